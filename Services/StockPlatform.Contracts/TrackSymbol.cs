namespace StockPlatform.Contracts;

/// <summary>Command: add a symbol to the live stream's subscription.</summary>
public sealed record TrackSymbol(string Symbol, string Feed);
