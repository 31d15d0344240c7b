using Microsoft.AspNetCore.Http.HttpResults;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketSim.Data;
using StockPlatform.MarketSim.Options;

namespace StockPlatform.MarketSim.Apis;

/// <summary>
/// The parameters of the trades and quotes endpoints, validated like the bars endpoints' (same
/// rules and error bodies; no timeframe or adjustment), with nanosecond <c>start</c>/<c>end</c>.
/// <c>asof</c> is accepted and ignored, as on the bars endpoints: there is no symbol renaming here.
/// </summary>
internal sealed record TicksQuery(
    NanoTime Start,
    NanoTime End,
    int Limit,
    bool Descending,
    string Feed,
    string? Currency,
    (string Symbol, NanoTime Time)? After)
{
    /// <summary>Parses the query; on failure <paramref name="error"/> is the response to send.</summary>
    public static bool TryParse(IQueryCollection query, DateTimeOffset now, MarketSimOptions options, out TicksQuery parsed, out JsonHttpResult<ApiError> error)
    {
        parsed = null!;
        error = null!;

        var start = NanoTime.From(NewYorkTime.StartOfDay(NewYorkTime.DateOf(now)));
        if (query["start"].ToString() is { Length: > 0 } startText && !TryParseInstant(startText, isEnd: false, out start))
        {
            error = PagingParameters.InvalidStart(startText);
            return false;
        }
        var end = NanoTime.From(now);
        if (query["end"].ToString() is { Length: > 0 } endText && !TryParseInstant(endText, isEnd: true, out end))
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
        if (!PagingParameters.TryParseFeed(query, options, out var feed, out error)) return false;

        (string, NanoTime)? after = null;
        if (query["page_token"].ToString() is { Length: > 0 } token)
        {
            if (!PageToken.TryDecodeNanos(token, out var tokenSymbol, out var tokenTime))
            {
                error = ApiErrors.BadRequest("invalid page token");
                return false;
            }
            after = (tokenSymbol, tokenTime);
        }

        parsed = new TicksQuery(start, end, limit, descending, feed, PagingParameters.Currency(query), after);
        return true;
    }

    /// <summary>
    /// RFC 3339 to the nanosecond, or a bare date: its New York midnight for a start, its last
    /// nanosecond for an end (so <c>end=2024-03-08</c> includes that day's evening trades).
    /// </summary>
    private static bool TryParseInstant(string text, bool isEnd, out NanoTime instant)
    {
        instant = default;
        if (QueryParsing.TryParseDate(text, out var date))
        {
            instant = isEnd
                ? new NanoTime(SyntheticMarket.ToNanoTime(NewYorkTime.StartOfDay(date.AddDays(1))).UnixNanoseconds - 1)
                : SyntheticMarket.ToNanoTime(NewYorkTime.StartOfDay(date));
            return true;
        }
        if (!QueryParsing.TryParseInstant(text, isEnd, out var coarse)) return false;
        // Up to nine fraction digits exactly; forms NanoTime does not read (a lower-case t or z,
        // more than nine digits) and years nanoseconds cannot hold go through the 100 ns reading
        // the bars endpoints use, clamped.
        var clamped = SyntheticMarket.ToNanoTime(coarse);
        var representable = clamped.UnixNanoseconds is not (long.MinValue or long.MaxValue);
        instant = representable && NanoTime.TryParse(text, out var precise) ? precise : clamped;
        return true;
    }
}
