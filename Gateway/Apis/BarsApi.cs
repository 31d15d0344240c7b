using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;

namespace StockPlatform.Gateway.Apis;

/// <summary>
/// <c>GET /bars/{symbol}</c>: stored bars at any interval, derived from the 1-minute bars.
/// With only <c>limit</c>, the latest bars; with <c>start</c>/<c>end</c>, the bars in that range
/// and a <c>next_page_token</c> when more remain. Bars ascend by timestamp.
/// </summary>
public static class BarsApi
{
    private const int DefaultLimit = 1000;
    private const string TokenPrefix = "v1:";

    /// <summary>Maps the bars endpoint.</summary>
    public static IEndpointRouteBuilder MapBarsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/bars/{symbol}", GetBarsAsync)
            .WithName("GetBars")
            .WithTags("Bars")
            .WithSummary("Bars of a symbol at any interval (1m as stored, others aggregated in New York time)");
        return app;
    }

    /// <summary>One bar as the API shows it; <c>complete</c> is false while its bucket is still in progress.</summary>
    public sealed record BarResponse(DateTime Timestamp, decimal Open, decimal High, decimal Low, decimal Close, long Volume, long TradeCount, decimal Vwap, bool Complete);

    /// <summary>The body of <c>GET /bars/{symbol}</c>.</summary>
    public sealed record BarsResponse(string Symbol, string Interval, IReadOnlyList<BarResponse> Bars, string? NextPageToken);

    internal static async Task<Results<Ok<BarsResponse>, ValidationProblem>> GetBarsAsync(
        string symbol,
        string? interval,
        string? start,
        string? end,
        string? limit,
        string? session,
        string? anchor,
        [FromQuery(Name = "page_token")] string? pageToken,
        BarStore bars,
        CancellationToken cancellationToken)
    {
        var problems = new ApiProblems();
        var ticker = RequestParsing.Symbol(symbol, problems);
        BarInterval? length = null;
        if (BarInterval.TryParse(string.IsNullOrWhiteSpace(interval) ? "1m" : interval, out var parsed)) length = parsed;
        else problems.Add("interval", $"'{interval}' is not an interval; {BarInterval.Rule} (for example 1m, 5m, 15m, 1h, 1d).");
        var from = RequestParsing.Instant(start, "start", isEnd: false, problems);
        var to = RequestParsing.Instant(end, "end", isEnd: true, problems);
        var count = RequestParsing.Int(limit, "limit", DefaultLimit, 1, BarStore.MaxLimit, problems);
        var sessionFilter = RequestParsing.OneOf(session, "session", null, problems, "regular", "extended");
        var hourAnchor = RequestParsing.OneOf(anchor, "anchor", "clock", problems, "clock", "session");
        if (pageToken is not null)
        {
            if (DecodeToken(pageToken) is { } resumeAt) from = resumeAt;
            else problems.Add("page_token", "the page token is not one this API issued; repeat the query without it.");
        }
        if (from is { } f && to is { } t && t <= f) problems.Add("start", "start must be before end.");
        if (problems.Any) return problems.ToResult();

        var query = new BarQuery(ticker!.Value, length!.Value)
        {
            Start = from,
            End = to,
            Limit = count!.Value,
            Latest = from is null,
            Session = sessionFilter switch { "regular" => SessionFilter.Regular, "extended" => SessionFilter.Extended, _ => null },
            Anchor = hourAnchor == "session" ? HourAnchor.Session : HourAnchor.Clock,
        };
        var slice = await bars.GetBarsAsync(query, cancellationToken);

        // Paging continues just after the last bar returned, with every other parameter unchanged.
        // One microsecond, not one tick: PostgreSQL keeps microseconds, so a tick would round back
        // onto the last bar and repeat it.
        var next = !query.Latest && slice.HasMore && slice.Bars.Count > 0 ? EncodeToken(slice.Bars[^1].Timestamp.AddMicroseconds(1)) : null;
        return TypedResults.Ok(new BarsResponse(
            ticker.Value.Value,
            length.Value.ToString(),
            [.. slice.Bars.Select(b => new BarResponse(b.Timestamp.UtcDateTime, b.Open, b.High, b.Low, b.Close, b.Volume, b.TradeCount, b.Vwap, b.IsComplete))],
            next));
    }

    internal static string EncodeToken(DateTimeOffset resumeAt) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes(TokenPrefix + resumeAt.UtcTicks.ToString(CultureInfo.InvariantCulture)));

    internal static DateTimeOffset? DecodeToken(string token)
    {
        try
        {
            var text = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(token));
            return text.StartsWith(TokenPrefix, StringComparison.Ordinal)
                && long.TryParse(text.AsSpan(TokenPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks is > 0 and < 3155378975999999999
                ? new DateTimeOffset(ticks, TimeSpan.Zero)
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
