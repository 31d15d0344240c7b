namespace StockPlatform.MarketData.Domain;

/// <summary>
/// One OHLCV bar. <see cref="Timestamp"/> is the start of the bar's interval in UTC (Alpaca labels
/// bars by their start: <c>start &lt;= trade time &lt; end</c>). Prices are decimals so that
/// what Alpaca sends is stored and compared exactly.
/// </summary>
public readonly record struct Bar(
    DateTimeOffset Timestamp,
    decimal Open,
    decimal High,
    decimal Low,
    decimal Close,
    long Volume,
    long TradeCount,
    decimal Vwap)
{
    /// <summary>
    /// Returns null when the bar is internally consistent, otherwise the rule it breaks, so a
    /// whole batch can be rejected with a message a person can act on.
    /// </summary>
    public string? Validate()
    {
        if (Timestamp.Offset != TimeSpan.Zero) return "timestamp must be UTC";
        if (Open <= 0 || High <= 0 || Low <= 0 || Close <= 0) return "prices must be positive";
        if (High < Low) return "high must be >= low";
        if (Open > High || Open < Low) return "open must lie between low and high";
        if (Close > High || Close < Low) return "close must lie between low and high";
        if (Volume < 0) return "volume must not be negative";
        if (TradeCount < 0) return "trade count must not be negative";
        if (Vwap < 0) return "vwap must not be negative";
        return null;
    }
}
