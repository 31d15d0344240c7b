namespace StockPlatform.MarketData.Domain;

/// <summary>
/// One quote as Alpaca reports it: the best bid and ask at <see cref="Time"/>, each with its
/// exchange and size. Quotes have no id: several may share a timestamp, so the stores key them
/// by (symbol, time, position among quotes of that same time).
/// </summary>
public sealed record Quote(
    NanoTime Time,
    string BidExchange,
    decimal BidPrice,
    long BidSize,
    string AskExchange,
    decimal AskPrice,
    long AskSize,
    IReadOnlyList<string> Conditions,
    string Tape)
{
    /// <summary>Null when consistent, otherwise the rule broken.</summary>
    public string? Validate()
    {
        if (BidPrice < 0 || AskPrice < 0) return "prices must not be negative";
        if (BidSize < 0 || AskSize < 0) return "sizes must not be negative";
        if (Tape.Length > 1) return "tape must be one letter";
        return null;
    }

    /// <inheritdoc />
    public bool Equals(Quote? other) =>
        other is not null && Time == other.Time && BidExchange == other.BidExchange && BidPrice == other.BidPrice
        && BidSize == other.BidSize && AskExchange == other.AskExchange && AskPrice == other.AskPrice
        && AskSize == other.AskSize && Tape == other.Tape && Conditions.SequenceEqual(other.Conditions);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Time, BidPrice, AskPrice, BidSize, AskSize);
}
