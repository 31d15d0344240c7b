namespace StockPlatform.MarketData.Domain;

/// <summary>
/// One trade as Alpaca reports it: <see cref="Id"/> is the exchange's trade id (unique per
/// symbol and exchange, so (symbol, time, exchange, id) is the natural key), conditions are the
/// SIP sale-condition codes, <see cref="Tape"/> is A (NYSE-listed), B (regional) or C (Nasdaq).
/// </summary>
public sealed record Trade(NanoTime Time, long Id, string Exchange, decimal Price, long Size, IReadOnlyList<string> Conditions, string Tape)
{
    /// <summary>Null when consistent, otherwise the rule broken (a batch is rejected whole, with it).</summary>
    public string? Validate()
    {
        if (Price <= 0) return "price must be positive";
        if (Size < 0) return "size must not be negative";
        if (Exchange.Length is 0 or > 4) return "exchange must be a short code";
        if (Tape.Length > 1) return "tape must be one letter";
        return null;
    }

    /// <inheritdoc />
    public bool Equals(Trade? other) =>
        other is not null && Time == other.Time && Id == other.Id && Exchange == other.Exchange && Price == other.Price
        && Size == other.Size && Tape == other.Tape && Conditions.SequenceEqual(other.Conditions);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Time, Id, Exchange, Price, Size, Tape);
}
