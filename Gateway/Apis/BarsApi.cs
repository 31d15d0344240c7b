using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using StockPlatform.Archive.Tiering;
using StockPlatform.Gateway.Security;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.CorporateActions;

namespace StockPlatform.Gateway.Apis;

/// <summary>
/// Stored bars at any interval, derived from the 1-minute bars. <c>GET /bars/{symbol}</c> for one
/// symbol, <c>GET /bars?symbols=A,B</c> for several (like Alpaca's: by symbol, then time, the
/// limit over all of them). With only <c>limit</c>, the latest bars; with <c>start</c>/<c>end</c>,
/// the bars in that range and a <c>next_page_token</c> when more remain. Bars ascend by timestamp.
/// As JSON (paged), or as CSV (<c>Accept: text/csv</c> or <c>format=csv</c>): the whole range in
/// one response, streamed row by row from one statement, so a year of minutes never sits in memory.
/// <c>adjustment=split|dividend|all</c> adjusts the bars for the symbol's corporate actions at read
/// time, after they are aggregated to the interval (stored bars stay raw).
/// </summary>
public static class BarsApi
{
    private const int DefaultLimit = 1000;

    /// <summary>Most symbols one multi-symbol read may name.</summary>
    public const int MaxSymbols = 100;

    private const string CsvType = RequestParsing.CsvType;

    /// <summary>Maps the bars endpoints.</summary>
    public static IEndpointRouteBuilder MapBarsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/bars/{symbol}", GetBarsAsync)
            .DescribeBars<BarsResponse>("GetBars", "Bars of a symbol at any interval (1m as stored, others aggregated in New York time), as JSON or CSV");
        app.MapGet("/bars", GetManyAsync)
            .DescribeBars<MultiBarsResponse>("GetBarsOfSymbols", "Bars of several symbols (by symbol, then time; the limit counts all of them), as JSON or CSV");
        return app;
    }

    // What both bars endpoints answer: their JSON body or CSV, a validation problem, or 406.
    private static void DescribeBars<TBody>(this RouteHandlerBuilder endpoint, string name, string summary) =>
        endpoint.WithName(name)
            .WithTags("Bars")
            .WithSummary(summary)
            .Produces<TBody>(contentType: "application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status406NotAcceptable)
            .ProducesCsv(BarsCsv.Header + "SPY,2024-01-02T14:30:00Z,472.16,472.28,472.11,472.23,41250,312,472.2,true\n");

    /// <summary>One bar as the API shows it; <c>complete</c> is false while its bucket is still in progress.</summary>
    public sealed record BarResponse(DateTime Timestamp, decimal Open, decimal High, decimal Low, decimal Close, long Volume, long TradeCount, decimal Vwap, bool Complete);

    /// <summary>The body of <c>GET /bars/{symbol}</c>; <c>adjustment</c> is raw, split, dividend or all.</summary>
    public sealed record BarsResponse(string Symbol, string Interval, string Adjustment, IReadOnlyList<BarResponse> Bars, string? NextPageToken);

    /// <summary>The body of <c>GET /bars?symbols=</c>: bars by symbol (symbols without bars in the range are absent).</summary>
    public sealed record MultiBarsResponse(string Interval, string Adjustment, IReadOnlyDictionary<string, IReadOnlyList<BarResponse>> Bars, string? NextPageToken);

    /// <summary>
    /// A validated read: its symbols (sorted), the query every symbol shares (its start is where
    /// the page resumes), the range's own start (where every later symbol begins), the format,
    /// the token's scope, the symbol a resumed page starts at, and the adjustment.
    /// </summary>
    private sealed record Read(IReadOnlyList<Symbol> Symbols, BarQuery Shape, DateTimeOffset? RangeStart, bool Csv, string Scope, int Part, AdjustmentMode Adjustment);

    /// <summary>What a read needs besides its parameters (the services, one handler argument).</summary>
    internal sealed record Sources(TieredBarReader Bars, CorporateActionStore Actions, PageTokens Tokens, StreamSlots Streams, TimeProvider Time);

    internal static Task<IResult> GetBarsAsync(
        string symbol, string? interval, string? start, string? end, string? limit, string? session, string? anchor, string? adjustment,
        [FromQuery(Name = "page_token")] string? pageToken, string? format,
        HttpContext context, [AsParameters] Sources sources, CancellationToken cancellationToken) =>
        ServeAsync([symbol], "symbol", single: true, interval, start, end, limit, session, anchor, adjustment, pageToken, format, context, sources, cancellationToken);

    internal static Task<IResult> GetManyAsync(
        string? symbols, string? interval, string? start, string? end, string? limit, string? session, string? anchor, string? adjustment,
        [FromQuery(Name = "page_token")] string? pageToken, string? format,
        HttpContext context, [AsParameters] Sources sources, CancellationToken cancellationToken) =>
        ServeAsync((symbols ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), "symbols", single: false,
            interval, start, end, limit, session, anchor, adjustment, pageToken, format, context, sources, cancellationToken);

    private static async Task<IResult> ServeAsync(
        IReadOnlyList<string> names, string symbolParameter, bool single, string? interval, string? start, string? end, string? limit,
        string? session, string? anchor, string? adjustment, string? pageToken, string? format, HttpContext context, Sources sources, CancellationToken cancellationToken)
    {
        var problems = new ApiProblems();
        var csv = RequestParsing.WantsCsv(format, context.Request, problems);
        if (csv is null && !problems.Any) return CsvAnswers.NotAcceptable(context, "Bars");
        var read = Validate(names, symbolParameter, interval, start, end, limit, session, anchor, adjustment, pageToken, csv ?? false, sources.Tokens, problems);
        if (read is null) return problems.ToResult();

        if (read.Csv)
        {
            return TypedResults.Stream(body => WriteCsvAsync(body, read, sources, cancellationToken), $"{CsvType}; charset=utf-8",
                fileDownloadName: $"{string.Join('_', read.Symbols.Select(s => s.Value))}_{read.Shape.Interval}.csv");
        }
        // The documents BarsResponse and MultiBarsResponse describe, written as the page is read.
        return new BarsJson(single ? read.Symbols[0].Value : null, read.Shape.Interval.ToString(), ModeName(read.Adjustment),
            (onBar, token) => ReadPageAsync(read, sources, onBar, token));
    }

    private static Read? Validate(
        IReadOnlyList<string> names, string symbolParameter, string? interval, string? start, string? end, string? limit,
        string? session, string? anchor, string? adjustment, string? pageToken, bool csv, PageTokens tokens, ApiProblems problems)
    {
        var symbols = RequestParsing.Symbols(names, symbolParameter, MaxSymbols, "symbols=SPY,QQQ", "per read", indexed: false, problems);
        BarInterval? length = null;
        if (BarInterval.TryParse(string.IsNullOrWhiteSpace(interval) ? "1m" : interval, out var parsed)) length = parsed;
        else problems.Add("interval", $"'{RequestParsing.Shorten(interval!)}' is not an interval; {BarInterval.Rule} (for example 1m, 5m, 15m, 1h, 1d).");
        var from = RequestParsing.Instant(start, "start", isEnd: false, problems);
        var to = RequestParsing.Instant(end, "end", isEnd: true, problems);
        // CSV streams a whole range: no limit unless one is asked for.
        var count = RequestParsing.Int(limit, "limit", csv ? int.MaxValue : DefaultLimit, 1, csv ? int.MaxValue : BarStore.MaxLimit, problems);
        var sessionFilter = RequestParsing.OneOf(session, "session", null, problems, "regular", "extended");
        var hourAnchor = RequestParsing.OneOf(anchor, "anchor", "clock", problems, "clock", "session");
        var adjustmentName = RequestParsing.OneOf(adjustment, "adjustment", "raw", problems, "raw", "split", "dividend", "all");
        if (from is { } f && to is { } t && t <= f) problems.Add("start", "start must be before end.");
        if (csv && pageToken is not null) problems.Add("page_token", "CSV answers hold the whole range; page tokens belong to JSON reads.");
        if (problems.Any) return null;

        // A token resumes the query that issued it, and only that one.
        symbols.Sort((a, b) => string.CompareOrdinal(a.Value, b.Value));
        var scope = string.Create(CultureInfo.InvariantCulture,
            $"bars|{string.Join(',', symbols.Select(s => s.Value))}|{length}|{sessionFilter ?? "default"}|{hourAnchor}|{to?.UtcTicks}|{adjustmentName}");
        var part = 0;
        var rangeStart = from;
        if (pageToken is not null)
        {
            if (tokens.TryRead(pageToken, scope, out part, out var resumeAt) && part < symbols.Count) from = resumeAt;
            else
            {
                problems.Add("page_token", "the page token was not issued for this query (another symbol, interval, session, anchor, end or adjustment, or not by this API); repeat the query without it.");
                return null;
            }
        }
        var shape = new BarQuery(symbols[0], length!.Value)
        {
            Start = from,
            End = to,
            Limit = count!.Value,
            Latest = from is null && pageToken is null,
            Session = sessionFilter switch { "regular" => SessionFilter.Regular, "extended" => SessionFilter.Extended, _ => null },
            Anchor = hourAnchor == "session" ? HourAnchor.Session : HourAnchor.Clock,
        };
        BarAdjuster.TryParseMode(adjustmentName, out var mode);
        return new Read(symbols, shape, rangeStart, csv, scope, part, mode);
    }

    /// <summary>
    /// One JSON page, each bar handed to <paramref name="onBar"/> with its symbol as the store reads
    /// it: symbol after symbol from the token's position, the limit over all of them. Returns the
    /// next page's token. Paging continues just after the last bar returned (one microsecond on,
    /// not one tick: PostgreSQL keeps microseconds, so a tick would round back onto the last bar).
    /// </summary>
    private static async Task<string?> ReadPageAsync(Read read, Sources sources, Func<string, StoredBar, ValueTask> onBar, CancellationToken cancellationToken)
    {
        var tokens = sources.Tokens;
        // Bars written as the store reads them while a slot is free, else each symbol's page read whole first.
        using var slot = read.Shape.Latest ? null : sources.Streams.TryTake();
        var left = read.Shape.Limit;
        for (var part = read.Part; part < read.Symbols.Count; part++)
        {
            // The latest bars are the latest of each symbol; a range shares the limit over all of them.
            var query = read.Shape with
            {
                Symbol = read.Symbols[part],
                Limit = read.Shape.Latest ? read.Shape.Limit : left,
                Start = part == read.Part ? read.Shape.Start : read.RangeStart,
            };
            var adjuster = await AdjusterAsync(query.Symbol, read.Adjustment, sources, cancellationToken);
            var name = query.Symbol.Value;
            var count = 0;
            var last = DateTimeOffset.MinValue;
            var hasMore = await sources.Bars.ReadPageAsync(query, bar =>
            {
                count++;
                last = bar.Timestamp;
                return onBar(name, Adjust(adjuster, bar));
            }, handOnAsRead: slot is not null, cancellationToken);
            if (query.Latest) continue;
            left -= count;
            if (hasMore && count > 0) return tokens.Issue(read.Scope, part, last.AddMicroseconds(1));
            if (left == 0)
            {
                // The page is full at a symbol's end: the next page starts with the next symbol, at the range's start.
                return part + 1 < read.Symbols.Count ? tokens.Issue(read.Scope, part + 1, read.RangeStart ?? DateTimeOffset.MinValue) : null;
            }
        }
        return null;
    }

    /// <summary>Streams CSV: a header, then every bar of each symbol in the range, written as the store reads them.</summary>
    private static async Task WriteCsvAsync(Stream body, Read read, Sources sources, CancellationToken cancellationToken)
    {
        await using var csv = new BarsCsv(body);
        csv.WriteHeader();
        // One statement per symbol while a slot is free, else a page at a time.
        using var slot = read.Shape.Latest ? null : sources.Streams.TryTake();
        // The limit counts over all symbols of a range; the latest bars are each symbol's own.
        var left = read.Shape.Limit;
        foreach (var symbol in read.Symbols)
        {
            var query = read.Shape with { Symbol = symbol };
            var adjuster = await AdjusterAsync(symbol, read.Adjustment, sources, cancellationToken);
            var name = Encoding.UTF8.GetBytes(symbol.Value);
            if (read.Shape.Latest)
            {
                var latest = await sources.Bars.GetBarsAsync(query with { Limit = Math.Min(read.Shape.Limit, BarStore.MaxLimit) }, cancellationToken);
                foreach (var stored in latest.Bars) await csv.WriteAsync(name, Adjust(adjuster, stored), cancellationToken);
                continue;
            }
            // A range is one statement whose rows are written as they arrive (the buffer leaves
            // whenever it fills): the client sees rows while the store still reads.
            await foreach (var stored in sources.Bars.StreamBarsAsync(query with { Limit = left }, oneStatement: slot is not null, cancellationToken))
            {
                await csv.WriteAsync(name, Adjust(adjuster, stored), cancellationToken);
                left--;
            }
            if (left <= 0) break;
        }
        await csv.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// The adjuster of a symbol's stored actions known today (an action announced for a later
    /// ex-date changes nothing yet, as on Alpaca); null for raw bars.
    /// </summary>
    private static async Task<BarAdjuster?> AdjusterAsync(Symbol symbol, AdjustmentMode mode, Sources sources, CancellationToken cancellationToken)
    {
        if (mode == AdjustmentMode.Raw) return null;
        var today = NewYorkTime.DateOf(sources.Time.GetUtcNow());
        return await sources.Actions.GetAdjusterAsync(symbol.Value, mode, today, cancellationToken);
    }

    // Adjusted after aggregation, as Alpaca adjusts: the interval's raw bar, then the factors of its date.
    private static StoredBar Adjust(BarAdjuster? adjuster, StoredBar bar)
    {
        if (adjuster is null) return bar;
        var adjusted = adjuster.Adjust(new Bar(bar.Timestamp, bar.Open, bar.High, bar.Low, bar.Close, bar.Volume, bar.TradeCount, bar.Vwap));
        return bar with { Open = adjusted.Open, High = adjusted.High, Low = adjusted.Low, Close = adjusted.Close, Volume = adjusted.Volume, Vwap = adjusted.Vwap };
    }

    private static string ModeName(AdjustmentMode mode) => mode.ToString().ToLowerInvariant();
}
