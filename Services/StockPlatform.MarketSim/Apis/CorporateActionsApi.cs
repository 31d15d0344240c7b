using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketSim.Clock;
using StockPlatform.MarketSim.Data;
using StockPlatform.MarketSim.Options;

namespace StockPlatform.MarketSim.Apis;

/// <summary>
/// <c>GET /v1/corporate-actions?symbols=&amp;types=&amp;start=&amp;end=&amp;limit=&amp;sort=&amp;page_token=</c>:
/// synthetic actions grouped by plural type (<c>{"corporate_actions":{"cash_dividends":[...]},"next_page_token":...}</c>).
/// Without <c>symbols</c> the liquid symbols are the universe; dates default to today (simulated).
/// </summary>
internal static class CorporateActionsApi
{
    public const int MaxLimit = 1000;

    // Alpaca's order of the groups in a response.
    private static readonly string[] GroupOrder =
    [
        "reverse_splits", "forward_splits", "unit_splits", "stock_dividends", "cash_dividends", "spin_offs",
        "cash_mergers", "stock_mergers", "stock_and_cash_mergers", "redemptions", "name_changes",
        "worthless_removals", "rights_distributions",
    ];

    public static IEndpointRouteBuilder MapCorporateActionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithAlpacaPipeline().WithTags("Corporate actions");
        group.MapGet("/corporate-actions", GetCorporateActions).WithName("GetCorporateActions");
        return app;
    }

    internal static Results<Ok<CorporateActionsPage>, JsonHttpResult<ApiError>> GetCorporateActions(
        HttpRequest request, CorporateActionsGenerator generator, SimulatedClock clock, IOptions<MarketSimOptions> options)
    {
        var query = request.Query;
        var symbols = QueryParsing.SplitList(query["symbols"].ToString());
        foreach (var symbol in symbols)
        {
            if (!QueryParsing.TryParseSymbol(symbol, options.Value, out _)) return ApiErrors.InvalidSymbol(symbol);
        }
        if (symbols.Count == 0) symbols = [.. options.Value.LiquidSymbols];

        var types = QueryParsing.SplitList(query["types"].ToString());
        if (types.FirstOrDefault(t => !CorporateActionsGenerator.KnownTypes.Contains(t)) is { } unknownType)
            return ApiErrors.BadRequest($"invalid type: {unknownType}");

        var today = NewYorkTime.DateOf(clock.Now);
        var (start, end) = (today, today);
        if (query["start"].ToString() is { Length: > 0 } startText && !QueryParsing.TryParseDate(startText, out start))
            return ApiErrors.Unprocessable($"invalid start: '{startText}' is not YYYY-MM-DD");
        if (query["end"].ToString() is { Length: > 0 } endText && !QueryParsing.TryParseDate(endText, out end))
            return ApiErrors.Unprocessable($"invalid end: '{endText}' is not YYYY-MM-DD");
        if (end < start) return ApiErrors.Unprocessable("end should not be before start");

        var limit = MaxLimit;
        if (query["limit"].ToString() is { Length: > 0 } limitText && (!int.TryParse(limitText, out limit) || limit is < 1 or > MaxLimit))
            return ApiErrors.Unprocessable($"invalid limit: must be between 1 and {MaxLimit}");
        var sort = query["sort"].ToString();
        if (sort is not ("" or "asc" or "desc")) return ApiErrors.Unprocessable("invalid sort: must be asc or desc");
        var descending = sort == "desc";

        string? after = null;
        if (query["page_token"].ToString() is { Length: > 0 } token && !TryDecodeToken(token, out after))
            return ApiErrors.BadRequest("invalid page token");

        var ids = QueryParsing.SplitList(query["ids"].ToString()).ToHashSet(StringComparer.Ordinal);
        var cusips = QueryParsing.SplitList(query["cusips"].ToString()).ToHashSet(StringComparer.Ordinal);

        var matching = symbols
            .SelectMany(symbol => generator.For(symbol, start, end))
            .Where(a => types.Count == 0 || types.Contains(a.Type))
            .Where(a => ids.Count == 0 || ids.Contains(Id(a)))
            .Where(a => cusips.Count == 0 || Cusips(a).Any(cusips.Contains));
        var ordered = descending
            ? matching.OrderByDescending(SortKey, StringComparer.Ordinal)
            : matching.OrderBy(SortKey, StringComparer.Ordinal);
        var remaining = after is null
            ? ordered
            : ordered.Where(a => descending ? string.CompareOrdinal(SortKey(a), after) < 0 : string.CompareOrdinal(SortKey(a), after) > 0);

        var items = remaining.Take(limit + 1).ToList();
        string? next = null;
        if (items.Count > limit)
        {
            items.RemoveAt(limit);
            next = Convert.ToBase64String(Encoding.UTF8.GetBytes(SortKey(items[^1])));
        }

        var groups = new Dictionary<string, List<object>>(StringComparer.Ordinal);
        foreach (var name in GroupOrder)
        {
            var members = items.Where(a => a.Group == name).Cast<object>().ToList();
            if (members.Count > 0) groups[name] = members;
        }
        return TypedResults.Ok(new CorporateActionsPage(groups, next));
    }

    // Date first, so pages follow time; symbol and type make the key unique (one action of a type per symbol and day).
    private static string SortKey(CorporateAction action) =>
        string.Create(CultureInfo.InvariantCulture, $"{action.SortDate:yyyy-MM-dd}|{action.SortSymbol}|{action.Type}");

    private static bool TryDecodeToken(string token, out string? key)
    {
        key = null;
        var bytes = new byte[token.Length];
        if (!Convert.TryFromBase64String(token, bytes, out var length)) return false;
        key = Encoding.UTF8.GetString(bytes, 0, length);
        return key.Split('|').Length == 3;
    }

    private static string Id(CorporateAction action) => action switch
    {
        CashDividend d => d.Id,
        ForwardSplit s => s.Id,
        ReverseSplit r => r.Id,
        _ => string.Empty,
    };

    private static string[] Cusips(CorporateAction action) => action switch
    {
        CashDividend d => [d.Cusip],
        ForwardSplit s => [s.Cusip],
        ReverseSplit r => [r.OldCusip, r.NewCusip],
        _ => [],
    };

    /// <summary>The response body.</summary>
    internal sealed record CorporateActionsPage(
        [property: JsonPropertyName("corporate_actions")] Dictionary<string, List<object>> CorporateActions,
        [property: JsonPropertyName("next_page_token")] string? NextPageToken);
}
