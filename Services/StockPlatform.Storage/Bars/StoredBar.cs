namespace StockPlatform.Storage.Bars;

/// <summary>
/// A bar read from the store at some interval. <see cref="IsComplete"/> is false while its
/// bucket (or session, for daily bars) has not ended yet, so more minutes may still change it.
/// </summary>
public sealed record StoredBar(
    DateTimeOffset Timestamp,
    decimal Open,
    decimal High,
    decimal Low,
    decimal Close,
    long Volume,
    long TradeCount,
    decimal Vwap,
    bool IsComplete);
