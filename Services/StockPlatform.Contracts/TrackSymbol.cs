namespace StockPlatform.Contracts;

/// <summary>
/// Command: add a symbol to the live stream's subscription (bars always; its trades and quotes
/// when <paramref name="Trades"/> / <paramref name="Quotes"/>), or change which of those it streams.
/// </summary>
public sealed record TrackSymbol(string Symbol, string Feed, bool Trades = false, bool Quotes = false);
