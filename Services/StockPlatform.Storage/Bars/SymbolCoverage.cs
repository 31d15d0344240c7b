namespace StockPlatform.Storage.Bars;

/// <summary>What the store holds for a symbol.</summary>
public sealed record SymbolCoverage(string Symbol, DateTimeOffset FirstBar, DateTimeOffset LastBar, long BarCount, int SessionsFetched, DateTimeOffset? LastIngest = null);
