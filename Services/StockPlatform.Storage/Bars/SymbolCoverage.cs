namespace StockPlatform.Storage.Bars;

/// <summary>
/// What the store holds for a symbol, and whether the live stream tracks it (a tracked symbol
/// may have no bars yet: then its first and last bar are null), with its trades and quotes too.
/// </summary>
public sealed record SymbolCoverage(
    string Symbol, DateTimeOffset? FirstBar, DateTimeOffset? LastBar, long BarCount, int SessionsFetched,
    DateTimeOffset? LastIngest = null, bool Tracked = false, bool TrackedTrades = false, bool TrackedQuotes = false);
