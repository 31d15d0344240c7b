namespace StockPlatform.Contracts;

/// <summary>
/// Event: the live stream stored a 1-minute bar. <paramref name="IsCorrection"/> marks an
/// updated bar that replaced one already stored.
/// </summary>
public sealed record BarReceived(
    string Symbol,
    string Feed,
    DateTimeOffset Timestamp,
    decimal Open,
    decimal High,
    decimal Low,
    decimal Close,
    long Volume,
    long TradeCount,
    decimal Vwap,
    bool IsCorrection);
