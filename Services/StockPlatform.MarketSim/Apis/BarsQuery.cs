using Microsoft.AspNetCore.Http.HttpResults;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
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
    (string Symbol, DateTimeOffset Timestamp)? After)
{
    public const int DefaultLimit = 1000;
    public const int MaxLimit = 10_000;

    private static readonly HashSet<string> Adjustments = ["raw", "split", "dividend", "spin-off", "all"];

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
            error = ApiErrors.Unprocessable($"invalid start: '{startText}' is neither RFC-3339 nor YYYY-MM-DD");
            return false;
        }
        var end = now;
        if (query["end"].ToString() is { Length: > 0 } endText && !QueryParsing.TryParseInstant(endText, isEnd: true, out end))
        {
            error = ApiErrors.Unprocessable($"invalid end: '{endText}' is neither RFC-3339 nor YYYY-MM-DD");
            return false;
        }
        if (end < start)
        {
            error = ApiErrors.Unprocessable("end should not be before start");
            return false;
        }

        var limit = DefaultLimit;
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

        // Every adjustment is accepted; the synthetic prices carry no corporate actions to adjust for.
        var adjustment = query["adjustment"].ToString();
        if (adjustment.Length > 0 && !adjustment.Split(',').All(Adjustments.Contains))
        {
            error = ApiErrors.Unprocessable($"invalid adjustment: '{adjustment}' (raw, split, dividend, spin-off, all, or a comma-separated combination)");
            return false;
        }

        if (!TryParseFeed(query["feed"].ToString(), options, out var feed))
        {
            error = ApiErrors.BadRequest("invalid feed");
            return false;
        }

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

        var currency = query["currency"].ToString();
        parsed = new BarsQuery(interval, start, end, limit, sort == "desc", feed, currency.Length > 0 ? currency : null, after);
        return true;
    }

    /// <summary>
    /// The feed to serve: the one asked for when this account may use it; by default SIP (as the
    /// current spec says), or the first allowed feed when SIP is not allowed (like a free plan).
    /// </summary>
    private static bool TryParseFeed(string text, MarketSimOptions options, out string feed)
    {
        if (text.Length == 0)
        {
            feed = options.Feeds.Contains("sip") ? "sip" : options.Feeds[0];
            return true;
        }
        feed = text;
        return options.Feeds.Contains(text, StringComparer.Ordinal);
    }
}
