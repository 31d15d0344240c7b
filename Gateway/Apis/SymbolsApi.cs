using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StockPlatform.Contracts;
using StockPlatform.Gateway.Extensions;
using StockPlatform.MarketData.Calendar;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Calendar;
using StockPlatform.Storage.Jobs;
using StockPlatform.Storage.Ledger;
using StockPlatform.Storage.Tracking;

using StockPlatform.Gateway.Messaging;

namespace StockPlatform.Gateway.Apis;

/// <summary>
/// What the database holds: <c>GET /symbols</c> (every stored symbol with its coverage),
/// <c>GET /symbols/{symbol}</c> (one, with its recent jobs) and <c>GET /coverage/{symbol}</c>
/// (per trading session, fetched or missing: the gap scanner's view, before a backfill).
/// </summary>
public static partial class SymbolsApi
{
    /// <summary>Longest range <c>GET /coverage</c> lists session by session.</summary>
    public const int MaxCoverageDays = 366 * 20;

    /// <summary>Maps the symbol and coverage endpoints.</summary>
    public static IEndpointRouteBuilder MapSymbolsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/symbols", ListSymbolsAsync).WithName("ListSymbols").WithTags("Symbols")
            .WithSummary("Every stored or tracked symbol with its coverage; tracked=true lists only those the live stream keeps current");
        app.MapGet("/symbols/{symbol}", GetSymbolAsync).WithName("GetSymbol").WithTags("Symbols")
            .WithSummary("One symbol's coverage and its recent jobs")
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGet("/coverage/{symbol}", GetCoverageAsync).WithName("GetCoverage").WithTags("Symbols")
            .WithSummary("Per trading session in a range: fetched (with its bar count) or missing");
        app.MapPut("/symbols/{symbol}/tracking", TrackAsync).WithName("TrackSymbol").WithTags("Symbols")
            .WithSummary("Keep a symbol current from the live stream (API key), optionally its trades and quotes too; its missed minutes of today are backfilled")
            .Accepts<TrackingRequest>(isOptional: true, "application/json");
        app.MapDelete("/symbols/{symbol}/tracking", UntrackAsync).WithName("UntrackSymbol").WithTags("Symbols")
            .WithSummary("Stop streaming a symbol (API key); what is stored stays")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>The body of <c>PUT</c> and <c>DELETE /symbols/{symbol}/tracking</c>: whether it is tracked, since when, and whether its trades and quotes stream too.</summary>
    public sealed record TrackingResponse(string Symbol, bool Tracked, DateTime? TrackedSince, bool Trades = false, bool Quotes = false);

    /// <summary>
    /// The optional body of <c>PUT /symbols/{symbol}/tracking</c>: stream the symbol's trades and
    /// quotes as well as its bars. A channel left out keeps what it was (off for a new symbol).
    /// </summary>
    public sealed record TrackingRequest(bool? Trades = null, bool? Quotes = null);

    /// <summary>A symbol's coverage: its first and last stored bar, bars stored, sessions fetched, the last fetch, and whether the live stream tracks it (and its trades and quotes).</summary>
    public sealed record SymbolResponse(string Symbol, DateTime? FirstBar, DateTime? LastBar, long BarCount, int SessionsFetched, DateTime? LastIngest, bool Tracked,
        bool TrackedTrades = false, bool TrackedQuotes = false);

    /// <summary>The body of <c>GET /symbols</c>.</summary>
    public sealed record SymbolList(IReadOnlyList<SymbolResponse> Symbols);

    /// <summary>The body of <c>GET /symbols/{symbol}</c>.</summary>
    public sealed record SymbolDetail(string Symbol, DateTime? FirstBar, DateTime? LastBar, long BarCount, int SessionsFetched, DateTime? LastIngest, bool Tracked,
        bool TrackedTrades, bool TrackedQuotes, IReadOnlyList<JobsApi.JobResponse> RecentJobs);

    /// <summary>One trading session: fetched completely (with the bars it held) or missing.</summary>
    public sealed record SessionCoverage(DateOnly Date, bool Fetched, int? BarCount);

    /// <summary>Consecutive missing sessions, the unit a backfill of the holes asks for.</summary>
    public sealed record MissingRange(DateOnly Start, DateOnly End, int Sessions);

    /// <summary>
    /// The body of <c>GET /coverage/{symbol}</c>. <c>calendar</c> says where the sessions come from:
    /// <c>alpaca</c> (the stored trading calendar) or <c>exchange-rules</c> (computed, where no
    /// backfill has stored Alpaca's calendar yet).
    /// </summary>
    public sealed record CoverageResponse(
        string Symbol, string Feed, DateOnly Start, DateOnly End, string Calendar,
        int SessionsTotal, int SessionsFetched, int SessionsMissing,
        IReadOnlyList<MissingRange> MissingRanges, IReadOnlyList<SessionCoverage> Sessions);

    internal static async Task<Results<Ok<SymbolList>, ValidationProblem>> ListSymbolsAsync(string? tracked, BarStore bars, CancellationToken cancellationToken)
    {
        var problems = new ApiProblems();
        var only = RequestParsing.OneOf(tracked, "tracked", null, problems, "true", "false");
        if (problems.Any) return problems.ToResult();
        return TypedResults.Ok(new SymbolList([.. (await bars.GetSymbolsAsync(only is null ? null : only == "true", cancellationToken)).Select(ToResponse)]));
    }

    internal static async Task<Results<Ok<SymbolDetail>, ValidationProblem, ProblemHttpResult>> GetSymbolAsync(
        string symbol, BarStore bars, JobStore jobs, CancellationToken cancellationToken)
    {
        var problems = new ApiProblems();
        var ticker = RequestParsing.Symbol(symbol, problems);
        if (problems.Any) return problems.ToResult();

        var coverage = await bars.GetSymbolAsync(ticker!.Value, cancellationToken);
        var recent = await jobs.ListAsync(symbol: ticker.Value.Value, limit: 10, cancellationToken: cancellationToken);
        if (coverage is null && recent.Count == 0)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Symbol not found",
                detail: $"Nothing is stored for {ticker.Value.Value} and no job asked for it; POST /ingest/{ticker.Value.Value} backfills it.");
        }
        var body = coverage is null ? new SymbolResponse(ticker.Value.Value, null, null, 0, 0, null, false) : ToResponse(coverage);
        return TypedResults.Ok(new SymbolDetail(body.Symbol, body.FirstBar, body.LastBar, body.BarCount, body.SessionsFetched, body.LastIngest, body.Tracked,
            body.TrackedTrades, body.TrackedQuotes, [.. recent.Select(JobsApi.ToResponse)]));
    }

    internal static async Task<Results<Ok<CoverageResponse>, ValidationProblem>> GetCoverageAsync(
        string symbol, string? start, string? end, string? feed,
        IngestLedger ledger, CalendarStore calendar, TimeProvider time, IOptions<IngestOptions> options, CancellationToken cancellationToken)
    {
        var problems = new ApiProblems();
        var today = NewYorkTime.DateOf(time.GetUtcNow());
        var ticker = RequestParsing.Symbol(symbol, problems);
        var from = RequestParsing.Date(start, "start", today.AddDays(-30), problems);
        var to = RequestParsing.Date(end, "end", today, problems);
        var source = RequestParsing.OneOf(feed, "feed", options.Value.DefaultFeed, problems, "iex", "sip");
        if (from is { } f && to is { } t)
        {
            if (f > t) problems.Add("start", $"start {f:yyyy-MM-dd} is after end {t:yyyy-MM-dd}.");
            else if (t.DayNumber - f.DayNumber > MaxCoverageDays) problems.Add("end", $"the range spans more than {MaxCoverageDays} days; ask for it in parts.");
        }
        if (problems.Any) return problems.ToResult();

        // Sessions that have begun: the stored Alpaca calendar where a backfill fetched it, else the exchange's rules.
        var last = to!.Value > today ? today : to.Value;
        var stored = from!.Value <= last && await calendar.CoversAsync(from.Value, last, cancellationToken);
        IReadOnlyList<TradingDay> days = from.Value > last ? []
            : stored ? await calendar.GetTradingDaysAsync(from.Value, last, cancellationToken)
            : [.. NyseCalendar.GetTradingDays(from.Value, last)];
        var now = time.GetUtcNow();
        days = [.. days.Where(day => day.SessionOpenUtc <= now)];
        var fetched = days.Count == 0 ? new Dictionary<DateOnly, int>()
            : await ledger.GetFetchedCountsAsync(ticker!.Value.Value, source!, days[0].Date, days[^1].Date, cancellationToken);

        var sessions = days.Select(day => fetched.TryGetValue(day.Date, out var count) ? new SessionCoverage(day.Date, true, count) : new SessionCoverage(day.Date, false, null)).ToList();
        var missing = new List<MissingRange>();
        var run = new List<DateOnly>();
        foreach (var session in sessions.Append(new SessionCoverage(DateOnly.MaxValue, true, null)))
        {
            if (!session.Fetched)
            {
                run.Add(session.Date);
                continue;
            }
            if (run.Count > 0) missing.Add(new MissingRange(run[0], run[^1], run.Count));
            run.Clear();
        }
        var fetchedCount = sessions.Count(s => s.Fetched);
        return TypedResults.Ok(new CoverageResponse(ticker!.Value.Value, source!, from.Value, to.Value, stored ? "alpaca" : "exchange-rules",
            sessions.Count, fetchedCount, sessions.Count - fetchedCount, missing, sessions));
    }

    private static SymbolResponse ToResponse(SymbolCoverage coverage) => new(
        coverage.Symbol, coverage.FirstBar?.UtcDateTime, coverage.LastBar?.UtcDateTime, coverage.BarCount, coverage.SessionsFetched, coverage.LastIngest?.UtcDateTime, coverage.Tracked,
        coverage.TrackedTrades, coverage.TrackedQuotes);

    internal static async Task<Results<Ok<TrackingResponse>, ValidationProblem>> TrackAsync(
        string symbol, HttpRequest request, TrackingStore tracking, IPublishEndpoint bus, IOptions<IngestOptions> options, ILogger<TrackingStore> logger,
        CancellationToken cancellationToken)
    {
        var problems = new ApiProblems();
        var ticker = RequestParsing.Symbol(symbol, problems);
        // The body is optional: without one, the channels stay as they were (bars only for a new symbol).
        var channels = request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0
            ? await RequestParsing.JsonBody<TrackingRequest>(request, """{"trades": true, "quotes": false}""", problems, cancellationToken)
            : null;
        if (problems.Any) return problems.ToResult();
        channels ??= new TrackingRequest();
        var tracked = await tracking.TrackAsync(ticker!.Value.Value, channels.Trades, channels.Quotes, cancellationToken);
        // Stored first, then announced: a live updater that misses the message reads it when it next takes the lead.
        var (_, reason) = await bus.TryPublishAsync(new TrackSymbol(tracked.Symbol, options.Value.DefaultFeed, tracked.Trades, tracked.Quotes), cancellationToken);
        if (reason is not null) LogNotAnnounced(logger, "tracking", tracked.Symbol, reason);
        return TypedResults.Ok(new TrackingResponse(tracked.Symbol, true, tracked.TrackedSince.UtcDateTime, tracked.Trades, tracked.Quotes));
    }

    internal static async Task<Results<Ok<TrackingResponse>, ValidationProblem, ProblemHttpResult>> UntrackAsync(
        string symbol, TrackingStore tracking, IPublishEndpoint bus, ILogger<TrackingStore> logger, CancellationToken cancellationToken)
    {
        var problems = new ApiProblems();
        var ticker = RequestParsing.Symbol(symbol, problems);
        if (problems.Any) return problems.ToResult();
        if (!await tracking.UntrackAsync(ticker!.Value.Value, cancellationToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Symbol not tracked",
                detail: $"{ticker.Value.Value} is not tracked; PUT /symbols/{ticker.Value.Value}/tracking tracks it.");
        }
        var (_, reason) = await bus.TryPublishAsync(new UntrackSymbol(ticker.Value.Value), cancellationToken);
        if (reason is not null) LogNotAnnounced(logger, "untracking", ticker.Value.Value, reason);
        return TypedResults.Ok(new TrackingResponse(ticker.Value.Value, false, null));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Change} of {Symbol} is stored but was not announced ({Reason}); the live updater reads it when it next takes the lead")]
    private static partial void LogNotAnnounced(ILogger logger, string change, string symbol, string reason);
}
