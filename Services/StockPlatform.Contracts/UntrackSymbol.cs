namespace StockPlatform.Contracts;

/// <summary>Command: remove a symbol from the live stream's subscription.</summary>
public sealed record UntrackSymbol(string Symbol);
