using StockPlatform.MarketData.Domain;

namespace StockPlatform.MarketData.Alpaca.Rest;

/// <summary>Order of the rows in a trades or quotes query (Alpaca's <c>sort</c>).</summary>
public enum AlpacaSort
{
    /// <summary><c>asc</c>: oldest first.</summary>
    Ascending,

    /// <summary><c>desc</c>: newest first.</summary>
    Descending,
}

/// <summary>
/// What trades and quotes queries share. One symbol uses <c>/v2/stocks/{symbol}/…</c>, several use
/// <c>/v2/stocks/…?symbols=</c> (where the page limit counts rows of all symbols together).
/// <see cref="Start"/> and <see cref="End"/> are inclusive and sent with nanoseconds when they have any.
/// </summary>
public abstract record TickRequest(IReadOnlyList<Symbol> Symbols, NanoTime Start, NanoTime End)
{
    /// <summary>Alpaca's largest page.</summary>
    public const int MaxPageSize = 10_000;

    /// <summary>Feed to ask for (<c>sip</c>, <c>iex</c>, <c>otc</c>); null uses the configured one.</summary>
    public string? Feed { get; init; }

    /// <summary>Oldest first (the default) or newest first.</summary>
    public AlpacaSort Sort { get; init; } = AlpacaSort.Ascending;

    /// <summary>Rows per page (Alpaca's <c>limit</c>, 1 to 10,000); null uses the configured page size.</summary>
    public int? PageSize { get; init; }

    /// <summary>Resume from this page token (one a previous page reported); null starts at the beginning.</summary>
    public string? PageToken { get; init; }

    /// <summary>Alpaca's <c>asof</c>: the date whose symbol names apply (renames); null omits it.</summary>
    public DateOnly? AsOf { get; init; }

    /// <summary>Alpaca's <c>currency</c> of the prices (ISO 4217); null omits it (US dollars).</summary>
    public string? Currency { get; init; }
}

/// <summary>A historical trades query (<c>GET /v2/stocks/{symbol}/trades</c> or <c>/v2/stocks/trades?symbols=</c>).</summary>
public sealed record TradesRequest(IReadOnlyList<Symbol> Symbols, NanoTime Start, NanoTime End) : TickRequest(Symbols, Start, End)
{
    /// <summary>A query for one symbol.</summary>
    public static TradesRequest For(Symbol symbol, NanoTime start, NanoTime end) => new([symbol], start, end);
}

/// <summary>A historical quotes query (<c>GET /v2/stocks/{symbol}/quotes</c> or <c>/v2/stocks/quotes?symbols=</c>).</summary>
public sealed record QuotesRequest(IReadOnlyList<Symbol> Symbols, NanoTime Start, NanoTime End) : TickRequest(Symbols, Start, End)
{
    /// <summary>A query for one symbol.</summary>
    public static QuotesRequest For(Symbol symbol, NanoTime start, NanoTime end) => new([symbol], start, end);
}
