using Microsoft.AspNetCore.Http.HttpResults;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketSim.Data;
using StockPlatform.MarketSim.Options;

namespace StockPlatform.MarketSim.Apis;

/// <summary>The parameters shared by the single- and multi-symbol bar endpoints, validated as Alpaca does.</summary>
internal sealed record BarsQuery(
    BarInterval Interval,
    DateTimeOffset Start,
    DateTimeOffset End,
    int Limit,
    bool Descending,
    string Feed,
    string? Currency,
    (string Symbol, DateTimeOffset Timestamp)? After,
    AdjustmentKinds Adjustment = AdjustmentKinds.None)
{
    public const int DefaultLimit = PagingParameters.DefaultLimit;
    public const int MaxLimit = PagingParameters.MaxLimit;

    /// <summary>Parses the query; on failure <paramref name="error"/> is the response to send.</summary>
    public static bool TryParse(IQueryCollection query, DateTimeOffset now, MarketSimOptions options, out BarsQuery parsed, out JsonHttpResult<ApiError> error)
    {
        parsed = null!;
        error = null!;

        if (!QueryParsing.TryParseTimeframe(query["timeframe"].ToString(), out var interval))
        {
            error = ApiErrors.Unprocessable("invalid timeframe");
            return false;
        }

        var start = NewYorkTime.StartOfDay(NewYorkTime.DateOf(now));
        if (query["start"].ToString() is { Length: > 0 } startText && !QueryParsing.TryParseInstant(startText, isEnd: false, out start))
        {
            error = PagingParameters.InvalidStart(startText);
            return false;
        }
        var end = now;
        if (query["end"].ToString() is { Length: > 0 } endText && !QueryParsing.TryParseInstant(endText, isEnd: true, out end))
        {
            error = PagingParameters.InvalidEnd(endText);
            return false;
        }
        if (end < start)
        {
            error = PagingParameters.EndBeforeStart();
            return false;
        }

        if (!PagingParameters.TryParseLimitAndSort(query, out var limit, out var descending, out error)) return false;

        // Splits and dividends are adjusted for (spin-off is accepted; there are none to adjust for).
        var adjustment = query["adjustment"].ToString();
        if (!BarAdjustment.TryParseKinds(adjustment, out var kinds))
        {
            error = ApiErrors.Unprocessable($"invalid adjustment: '{adjustment}' (raw, split, dividend, spin-off, all, or a comma-separated combination)");
            return false;
        }

        if (!PagingParameters.TryParseFeed(query, options, out var feed, out error)) return false;

        (string, DateTimeOffset)? after = null;
        if (query["page_token"].ToString() is { Length: > 0 } token)
        {
            if (!PageToken.TryDecode(token, out var tokenSymbol, out var tokenTime))
            {
                error = ApiErrors.BadRequest("invalid page token");
                return false;
            }
            after = (tokenSymbol, tokenTime);
        }

        parsed = new BarsQuery(interval, start, end, limit, descending, feed, PagingParameters.Currency(query), after, kinds);
        return true;
    }
}

/// <summary>The parameters the bars, trades and quotes endpoints share, with the same rules and error bodies.</summary>
internal static class PagingParameters
{
    public const int DefaultLimit = 1000;
    public const int MaxLimit = 10_000;

    public static JsonHttpResult<ApiError> InvalidStart(string text) =>
        ApiErrors.Unprocessable($"invalid start: '{text}' is neither RFC-3339 nor YYYY-MM-DD");

    public static JsonHttpResult<ApiError> InvalidEnd(string text) =>
        ApiErrors.Unprocessable($"invalid end: '{text}' is neither RFC-3339 nor YYYY-MM-DD");

    public static JsonHttpResult<ApiError> EndBeforeStart() => ApiErrors.Unprocessable("end should not be before start");

    /// <summary><c>limit</c> (1 to 10000, default 1000) and <c>sort</c> (<c>asc</c>, the default, or <c>desc</c>).</summary>
    public static bool TryParseLimitAndSort(IQueryCollection query, out int limit, out bool descending, out JsonHttpResult<ApiError> error)
    {
        error = null!;
        descending = false;
        limit = DefaultLimit;
        if (query["limit"].ToString() is { Length: > 0 } limitText && (!int.TryParse(limitText, out limit) || limit is < 1 or > MaxLimit))
        {
            error = ApiErrors.Unprocessable($"invalid limit: must be between 1 and {MaxLimit}");
            return false;
        }

        var sort = query["sort"].ToString();
        if (sort is not ("" or "asc" or "desc"))
        {
            error = ApiErrors.Unprocessable("invalid sort: must be asc or desc");
            return false;
        }
        descending = sort == "desc";
        return true;
    }

    /// <summary>
    /// The feed to serve: the one asked for when this account may use it; by default SIP (as the
    /// current spec says), or the first allowed feed when SIP is not allowed (like a free plan).
    /// </summary>
    public static bool TryParseFeed(IQueryCollection query, MarketSimOptions options, out string feed, out JsonHttpResult<ApiError> error)
    {
        error = null!;
        var text = query["feed"].ToString();
        if (text.Length == 0)
        {
            feed = options.Feeds.Contains("sip") ? "sip" : options.Feeds[0];
            return true;
        }
        feed = text;
        if (options.Feeds.Contains(text, StringComparer.Ordinal)) return true;
        error = ApiErrors.BadRequest("invalid feed");
        return false;
    }

    /// <summary><c>currency</c>, echoed in the response when given.</summary>
    public static string? Currency(IQueryCollection query) => query["currency"].ToString() is { Length: > 0 } currency ? currency : null;
}
