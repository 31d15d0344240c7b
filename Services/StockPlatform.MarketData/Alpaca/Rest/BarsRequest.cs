using StockPlatform.MarketData.Domain;

namespace StockPlatform.MarketData.Alpaca.Rest;

/// <summary>
/// A historical bars query. One symbol uses <c>/v2/stocks/{symbol}/bars</c>, several use
/// <c>/v2/stocks/bars?symbols=</c> (where the page limit counts bars of all symbols together).
/// <see cref="Start"/> and <see cref="End"/> are inclusive, as Alpaca treats them.
/// </summary>
public sealed record BarsRequest(IReadOnlyList<Symbol> Symbols, BarInterval Timeframe, DateTimeOffset Start, DateTimeOffset End)
{
    /// <summary>Feed to ask for; null uses the configured one.</summary>
    public string? Feed { get; init; }

    /// <summary><c>raw</c> (stored by the platform), <c>split</c>, <c>dividend</c>, <c>spin-off</c>, <c>all</c>, or a comma list.</summary>
    public string Adjustment { get; init; } = "raw";

    /// <summary>Bars per page; null uses the configured page size (10000, Alpaca's maximum).</summary>
    public int? PageSize { get; init; }

    /// <summary>A query for one symbol.</summary>
    public static BarsRequest For(Symbol symbol, BarInterval timeframe, DateTimeOffset start, DateTimeOffset end) =>
        new([symbol], timeframe, start, end);
}
