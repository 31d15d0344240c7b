using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketSim.Clock;
using StockPlatform.MarketSim.Data;
using StockPlatform.MarketSim.Faults;
using StockPlatform.MarketSim.Options;

namespace StockPlatform.MarketSim.Apis;

/// <summary>
/// Historical trades and quotes, as Alpaca's market-data API v2 serves them, behind the same
/// key check, rate limit and faults as the bars.
/// <list type="table">
/// <item><term><c>GET /v2/stocks/{symbol}/trades</c></term><description><c>{"trades":[...],"symbol":"X","next_page_token":...}</c></description></item>
/// <item><term><c>GET /v2/stocks/trades?symbols=A,B</c></term><description><c>{"trades":{"A":[...]},"next_page_token":...}</c>, by symbol then time, <c>limit</c> over all symbols</description></item>
/// <item><term><c>GET /v2/stocks/{symbol}/quotes</c>, <c>GET /v2/stocks/quotes?symbols=</c></term><description>the same with <c>quotes</c></description></item>
/// </list>
/// Rows lie in [start, end] (both inclusive, to the nanosecond) and at or before the simulated
/// clock; trades and quotes are raw (never adjusted).
/// </summary>
internal static class TradesAndQuotesApi
{
    public static IEndpointRouteBuilder MapTradesAndQuotesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v2/stocks").WithAlpacaPipeline().WithTags("Trades and quotes");
        group.MapGet("/{symbol}/trades", GetSymbolTrades).WithName("GetSymbolTrades");
        group.MapGet("/trades", GetTrades).WithName("GetTrades");
        group.MapGet("/{symbol}/quotes", GetSymbolQuotes).WithName("GetSymbolQuotes");
        group.MapGet("/quotes", GetQuotes).WithName("GetQuotes");
        return app;
    }

    internal static Results<Ok<SingleSymbolTrades>, JsonHttpResult<ApiError>> GetSymbolTrades(
        string symbol, HttpRequest request, SyntheticMarket market, SimulatedClock clock, IOptions<MarketSimOptions> options)
    {
        if (!TryParseSingle(symbol, request, clock, options.Value, "trades", out var parsed, out var query, out var error)) return error;
        var (rows, next) = ReadPage([parsed], query, clock.Now, market.EnumerateTrades, static t => t.Time);
        return TypedResults.Ok(new SingleSymbolTrades(rows.GetValueOrDefault(parsed.Value) ?? [], parsed.Value, next, query.Currency));
    }

    internal static Results<Ok<MultiSymbolTrades>, JsonHttpResult<ApiError>> GetTrades(
        HttpRequest request, SyntheticMarket market, SimulatedClock clock, IOptions<MarketSimOptions> options)
    {
        if (!TryParseMulti(request, clock, options.Value, "trades", out var symbols, out var query, out var error)) return error;
        var (rows, next) = ReadPage(symbols, query, clock.Now, market.EnumerateTrades, static t => t.Time);
        return TypedResults.Ok(new MultiSymbolTrades(rows, next, query.Currency));
    }

    internal static Results<Ok<SingleSymbolQuotes>, JsonHttpResult<ApiError>> GetSymbolQuotes(
        string symbol, HttpRequest request, SyntheticMarket market, SimulatedClock clock, IOptions<MarketSimOptions> options)
    {
        if (!TryParseSingle(symbol, request, clock, options.Value, "quotes", out var parsed, out var query, out var error)) return error;
        var (rows, next) = ReadPage([parsed], query, clock.Now, market.EnumerateQuotes, static q => q.Time);
        return TypedResults.Ok(new SingleSymbolQuotes(rows.GetValueOrDefault(parsed.Value) ?? [], parsed.Value, next, query.Currency));
    }

    internal static Results<Ok<MultiSymbolQuotes>, JsonHttpResult<ApiError>> GetQuotes(
        HttpRequest request, SyntheticMarket market, SimulatedClock clock, IOptions<MarketSimOptions> options)
    {
        if (!TryParseMulti(request, clock, options.Value, "quotes", out var symbols, out var query, out var error)) return error;
        var (rows, next) = ReadPage(symbols, query, clock.Now, market.EnumerateQuotes, static q => q.Time);
        return TypedResults.Ok(new MultiSymbolQuotes(rows, next, query.Currency));
    }

    private static bool TryParseSingle(string symbol, HttpRequest request, SimulatedClock clock, MarketSimOptions options, string data,
        out Symbol parsed, out TicksQuery query, out JsonHttpResult<ApiError> error)
    {
        query = null!;
        if (!QueryParsing.TryParseSymbol(symbol, options, out parsed))
        {
            error = ApiErrors.InvalidSymbol(symbol);
            return false;
        }
        if (!TicksQuery.TryParse(request.Query, clock.Now, options, out query, out error)) return false;
        if (query.After is { } after && after.Symbol != parsed.Value)
        {
            error = ApiErrors.BadRequest("invalid page token");
            return false;
        }
        if (SymbolFaults.ErrorFor(options.Faults, [parsed], query.Start.Microsecond, query.End.Microsecond, data) is { } fault)
        {
            error = fault;
            return false;
        }
        return true;
    }

    private static bool TryParseMulti(HttpRequest request, SimulatedClock clock, MarketSimOptions options, string data,
        out List<Symbol> symbols, out TicksQuery query, out JsonHttpResult<ApiError> error)
    {
        query = null!;
        var names = QueryParsing.SplitList(request.Query["symbols"].ToString());
        symbols = new List<Symbol>(names.Count);
        if (names.Count == 0)
        {
            error = ApiErrors.BadRequest("missing symbols");
            return false;
        }
        foreach (var name in names)
        {
            if (!QueryParsing.TryParseSymbol(name, options, out var parsed))
            {
                error = ApiErrors.InvalidSymbol(name);
                return false;
            }
            symbols.Add(parsed);
        }
        if (!TicksQuery.TryParse(request.Query, clock.Now, options, out query, out error)) return false;
        if (SymbolFaults.ErrorFor(options.Faults, symbols, query.Start.Microsecond, query.End.Microsecond, data) is { } fault)
        {
            error = fault;
            return false;
        }
        return true;
    }

    /// <summary>
    /// One page: symbols in ordinal order, each symbol's rows in the requested time order, at most
    /// <c>limit</c> rows in all. A token is returned only when another row exists, so the last page
    /// always says null; times strictly increase per symbol and feed, so the last row's time is
    /// where the next page resumes.
    /// </summary>
    private static (SortedDictionary<string, List<T>> Rows, string? Next) ReadPage<T>(
        IEnumerable<Symbol> symbols, TicksQuery query, DateTimeOffset now,
        Func<Symbol, string, NanoTime, NanoTime, bool, NanoTime, IEnumerable<T>> enumerate, Func<T, NanoTime> timeOf)
    {
        var page = new SortedDictionary<string, List<T>>(StringComparer.Ordinal);
        var count = 0;
        (string Symbol, NanoTime Time) last = (string.Empty, default);
        var asOf = NanoTime.From(now);
        foreach (var symbol in symbols.OrderBy(s => s.Value, StringComparer.Ordinal))
        {
            var (start, end) = (query.Start, query.End);
            if (query.After is { } after)
            {
                var order = string.CompareOrdinal(symbol.Value, after.Symbol);
                if (order < 0) continue;
                if (order == 0)
                {
                    if (query.Descending) end = new NanoTime(after.Time.UnixNanoseconds - 1);
                    else start = new NanoTime(after.Time.UnixNanoseconds + 1);
                }
            }

            foreach (var row in enumerate(symbol, query.Feed, start, end, query.Descending, asOf))
            {
                if (count == query.Limit) return (page, PageToken.EncodeNanos(last.Symbol, last.Time));
                if (!page.TryGetValue(symbol.Value, out var list)) page[symbol.Value] = list = [];
                list.Add(row);
                last = (symbol.Value, timeOf(row));
                count++;
            }
        }
        return (page, null);
    }

    /// <summary>Body of the single-symbol trades endpoint.</summary>
    internal sealed record SingleSymbolTrades(
        [property: JsonPropertyName("trades")] IReadOnlyList<Trade> Trades,
        [property: JsonPropertyName("symbol")] string Symbol,
        [property: JsonPropertyName("next_page_token")] string? NextPageToken,
        [property: JsonPropertyName("currency"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Currency);

    /// <summary>Body of the multi-symbol trades endpoint (symbols without trades are absent).</summary>
    internal sealed record MultiSymbolTrades(
        [property: JsonPropertyName("trades")] SortedDictionary<string, List<Trade>> Trades,
        [property: JsonPropertyName("next_page_token")] string? NextPageToken,
        [property: JsonPropertyName("currency"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Currency);

    /// <summary>Body of the single-symbol quotes endpoint.</summary>
    internal sealed record SingleSymbolQuotes(
        [property: JsonPropertyName("quotes")] IReadOnlyList<Quote> Quotes,
        [property: JsonPropertyName("symbol")] string Symbol,
        [property: JsonPropertyName("next_page_token")] string? NextPageToken,
        [property: JsonPropertyName("currency"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Currency);

    /// <summary>Body of the multi-symbol quotes endpoint (symbols without quotes are absent).</summary>
    internal sealed record MultiSymbolQuotes(
        [property: JsonPropertyName("quotes")] SortedDictionary<string, List<Quote>> Quotes,
        [property: JsonPropertyName("next_page_token")] string? NextPageToken,
        [property: JsonPropertyName("currency"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Currency);
}
