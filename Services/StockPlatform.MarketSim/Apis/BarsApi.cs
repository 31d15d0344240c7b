using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketSim.Clock;
using StockPlatform.MarketSim.Data;
using StockPlatform.MarketSim.Faults;
using StockPlatform.MarketSim.Options;

namespace StockPlatform.MarketSim.Apis;

/// <summary>
/// Historical stock bars, as Alpaca's market-data API v2 serves them.
/// <list type="table">
/// <item><term><c>GET /v2/stocks/{symbol}/bars</c></term><description>one symbol: <c>{"bars":[...],"symbol":"X","next_page_token":...}</c></description></item>
/// <item><term><c>GET /v2/stocks/bars?symbols=A,B</c></term><description>several: <c>{"bars":{"A":[...]},"next_page_token":...}</c>, by symbol then time, <c>limit</c> over all symbols</description></item>
/// </list>
/// Bars are raw by default; <c>adjustment=split|dividend|all</c> adjusts them for the actions known
/// at the simulated clock's date (<see cref="BarAdjustment"/>), after aggregation.
/// </summary>
internal static class BarsApi
{
    public static IEndpointRouteBuilder MapBarsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v2/stocks").WithAlpacaPipeline().WithTags("Bars");
        group.MapGet("/{symbol}/bars", GetSymbolBars).WithName("GetSymbolBars");
        group.MapGet("/bars", GetBars).WithName("GetBars");
        return app;
    }

    internal static Results<Ok<SingleSymbolBars>, JsonHttpResult<ApiError>> GetSymbolBars(
        string symbol, HttpRequest request, SyntheticMarket market, SimulatedClock clock, IOptions<MarketSimOptions> options)
    {
        if (!QueryParsing.TryParseSymbol(symbol, options.Value, out var parsed)) return ApiErrors.InvalidSymbol(symbol);
        var now = clock.Now;
        if (!BarsQuery.TryParse(request.Query, now, options.Value, out var query, out var error)) return error;
        if (query.After is { } after && after.Symbol != parsed.Value) return ApiErrors.BadRequest("invalid page token");
        if (SymbolFaults.ErrorFor(options.Value.Faults, [parsed], query.Start, query.End) is { } fault) return fault;

        var (bars, next) = ReadPage(market, [parsed], query, now);
        SymbolFaults.Corrupt(options.Value.Faults, bars, query.Start, query.End);
        return TypedResults.Ok(new SingleSymbolBars(bars.GetValueOrDefault(parsed.Value) ?? [], parsed.Value, next, query.Currency));
    }

    internal static Results<Ok<MultiSymbolBars>, JsonHttpResult<ApiError>> GetBars(
        HttpRequest request, SyntheticMarket market, SimulatedClock clock, IOptions<MarketSimOptions> options)
    {
        var names = QueryParsing.SplitList(request.Query["symbols"].ToString());
        if (names.Count == 0) return ApiErrors.BadRequest("missing symbols");
        var symbols = new List<Symbol>(names.Count);
        foreach (var name in names)
        {
            if (!QueryParsing.TryParseSymbol(name, options.Value, out var parsed)) return ApiErrors.InvalidSymbol(name);
            symbols.Add(parsed);
        }
        var now = clock.Now;
        if (!BarsQuery.TryParse(request.Query, now, options.Value, out var query, out var error)) return error;
        if (SymbolFaults.ErrorFor(options.Value.Faults, symbols, query.Start, query.End) is { } fault) return fault;

        var (bars, next) = ReadPage(market, symbols, query, now);
        SymbolFaults.Corrupt(options.Value.Faults, bars, query.Start, query.End);
        return TypedResults.Ok(new MultiSymbolBars(bars, next, query.Currency));
    }

    /// <summary>
    /// One page: symbols in ordinal order, each symbol's bars in the requested time order, at most
    /// <c>limit</c> bars in all. A token is returned only when another bar exists, so the last
    /// page always says null.
    /// </summary>
    private static (SortedDictionary<string, List<Bar>> Bars, string? Next) ReadPage(SyntheticMarket market, IEnumerable<Symbol> symbols, BarsQuery query, DateTimeOffset now)
    {
        var page = new SortedDictionary<string, List<Bar>>(StringComparer.Ordinal);
        var count = 0;
        (string Symbol, DateTimeOffset Timestamp) last = (string.Empty, default);
        foreach (var symbol in symbols.OrderBy(s => s.Value, StringComparer.Ordinal))
        {
            var (start, end) = (query.Start, query.End);
            if (query.After is { } after)
            {
                var order = string.CompareOrdinal(symbol.Value, after.Symbol);
                if (order < 0) continue;
                if (order == 0)
                {
                    if (query.Descending) end = after.Timestamp.AddTicks(-1);
                    else start = after.Timestamp.AddTicks(1);
                }
            }

            var adjustment = BarAdjustment.Create(market, symbol, query.Adjustment, NewYorkTime.DateOf(now));
            foreach (var bar in market.EnumerateBars(symbol, query.Feed, query.Interval, start, end, query.Descending, now, adjustment))
            {
                if (count == query.Limit) return (page, PageToken.Encode(last.Symbol, last.Timestamp));
                if (!page.TryGetValue(symbol.Value, out var list)) page[symbol.Value] = list = [];
                list.Add(bar);
                last = (symbol.Value, bar.Timestamp);
                count++;
            }
        }
        return (page, null);
    }

    /// <summary>Body of the single-symbol endpoint.</summary>
    internal sealed record SingleSymbolBars(
        [property: JsonPropertyName("bars")] IReadOnlyList<Bar> Bars,
        [property: JsonPropertyName("symbol")] string Symbol,
        [property: JsonPropertyName("next_page_token")] string? NextPageToken,
        [property: JsonPropertyName("currency"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Currency);

    /// <summary>Body of the multi-symbol endpoint.</summary>
    internal sealed record MultiSymbolBars(
        [property: JsonPropertyName("bars")] SortedDictionary<string, List<Bar>> Bars,
        [property: JsonPropertyName("next_page_token")] string? NextPageToken,
        [property: JsonPropertyName("currency"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Currency);
}
