using System.Text.Json;
using System.Text.Json.Serialization;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StockPlatform.Contracts;
using StockPlatform.Gateway.Extensions;
using StockPlatform.MarketData.Calendar;
using StockPlatform.Storage.Jobs;
using StockPlatform.Storage.Ledger;

using StockPlatform.Gateway.Messaging;

namespace StockPlatform.Gateway.Apis;

/// <summary>
/// Queues backfills of 1-minute bars, trades and quotes (<c>data</c>, bars by default):
/// <c>POST /ingest/{symbol}</c> for one symbol, <c>POST /jobs</c> with a JSON body for several. A
/// job is split into date windows, one task (and one message) per symbol and window, so no message
/// holds hours of work and a crash loses at most one window; the agent fetches windows of
/// different symbols over the same dates together. Asking again for the same symbols, range, feed
/// and data while that job is queued or running returns it instead of starting another.
/// </summary>
public static partial class IngestApi
{
    /// <summary>The job kind of a historical backfill.</summary>
    public const string BackfillKind = JobKinds.Backfill;

    /// <summary>Most symbols one job may name.</summary>
    public const int MaxSymbolsPerJob = 1000;

    /// <summary>Maps the ingest endpoints.</summary>
    public static IEndpointRouteBuilder MapIngestApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/ingest/{symbol}", StartIngestAsync)
            .WithName("StartIngest")
            .WithTags("Ingest")
            .WithSummary("Queue a backfill of 1-minute bars (or trades and quotes: data=bars,trades,quotes) for a symbol and date range");
        app.MapPost("/jobs", StartJobAsync)
            .WithName("StartJob")
            .WithTags("Jobs")
            .WithSummary("Queue a backfill of 1-minute bars, trades or quotes for several symbols over one date range")
            .Accepts<BackfillRequest>("application/json");
        return app;
    }

    /// <summary>The body of an accepted (202) or repeated (200) ingest request; <c>data</c> lists what the job fetches.</summary>
    public sealed record IngestResponse(Guid JobId, string Symbol, DateOnly Start, DateOnly End, string Feed, string Status, IReadOnlyList<string> Data);

    /// <summary>
    /// The body of <c>POST /jobs</c>; dates are <c>YYYY-MM-DD</c> (New York trading dates);
    /// <c>data</c> is any of <c>bars</c>, <c>trades</c>, <c>quotes</c> (default <c>["bars"]</c>).
    /// </summary>
    public sealed record BackfillRequest(
        [property: JsonPropertyName("symbols")] IReadOnlyList<string?>? Symbols,
        [property: JsonPropertyName("start")] string? Start,
        [property: JsonPropertyName("end")] string? End,
        [property: JsonPropertyName("feed")] string? Feed,
        [property: JsonPropertyName("data")] IReadOnlyList<string?>? Data = null);

    internal static async Task<Results<Accepted<IngestResponse>, Ok<IngestResponse>, ValidationProblem>> StartIngestAsync(
        string symbol,
        string? start,
        string? end,
        string? feed,
        string? data,
        JobStore jobs,
        IPublishEndpoint bus,
        TimeProvider time,
        IOptions<IngestOptions> options,
        ILogger<IngestOptions> logger,
        CancellationToken cancellationToken)
    {
        var problems = new ApiProblems();
        var ticker = RequestParsing.Symbol(symbol, problems);
        var range = ReadRange(start, end, feed, time, options.Value, problems);
        var datasets = ReadDatasets(string.IsNullOrWhiteSpace(data) ? null : data.Split(','), problems);
        if (problems.Any) return problems.ToResult();

        var (job, created) = await QueueAsync([ticker!.Value.Value], range!.Value, datasets!, jobs, bus, options.Value, time, logger, cancellationToken);
        var body = new IngestResponse(job.Id, job.Symbol, job.Start, job.End, job.Feed, JobStore.ToText(job.Status), job.Datasets);
        return created ? TypedResults.Accepted($"/jobs/{job.Id}", body) : TypedResults.Ok(body);
    }

    internal static async Task<Results<Accepted<JobsApi.JobResponse>, Ok<JobsApi.JobResponse>, ValidationProblem>> StartJobAsync(
        HttpRequest request,
        JobStore jobs,
        IPublishEndpoint bus,
        TimeProvider time,
        IOptions<IngestOptions> options,
        ILogger<IngestOptions> logger,
        CancellationToken cancellationToken)
    {
        var problems = new ApiProblems();
        var body = await RequestParsing.JsonBody<BackfillRequest>(request, """{"symbols": ["SPY"], "start": "2024-01-02"}""", problems, cancellationToken);
        if (problems.Any) return problems.ToResult();

        var symbols = RequestParsing.Symbols(body?.Symbols, "symbols", MaxSymbolsPerJob, "[\"SPY\", \"QQQ\"]", "per job; split the list over several jobs", indexed: true, problems);
        var range = ReadRange(body?.Start, body?.End, body?.Feed, time, options.Value, problems);
        var datasets = ReadDatasets(body?.Data, problems);
        if (problems.Any) return problems.ToResult();

        var (job, created) = await QueueAsync([.. symbols.Select(s => s.Value)], range!.Value, datasets!, jobs, bus, options.Value, time, logger, cancellationToken);
        var response = JobsApi.ToResponse(job);
        return created ? TypedResults.Accepted($"/jobs/{job.Id}", response) : TypedResults.Ok(response);
    }

    /// <summary>
    /// The datasets a backfill fetches: <c>bars</c> when none are named, else each named one once
    /// (any order, any case); an unknown or missing name is reported under <c>data</c>.
    /// </summary>
    internal static IReadOnlyList<string>? ReadDatasets(IReadOnlyList<string?>? names, ApiProblems problems)
    {
        if (names is null) return JobDatasets.Default;
        if (names.Count == 0)
        {
            problems.Add("data", $"name at least one of {string.Join(", ", LedgerDatasets.All)}, or leave data out for bars.");
            return null;
        }
        var chosen = new List<string>();
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i]?.Trim().ToLowerInvariant();
            if (JobDatasets.IsKnown(name)) chosen.Add(name!);
            else problems.Add("data", $"'{RequestParsing.Shorten(names[i] ?? "null")}' (item {i}) is not one of: {string.Join(", ", LedgerDatasets.All)}.");
        }
        return problems.Any ? null : JobDatasets.Normalize(chosen);
    }

    /// <summary>The date range and feed of a backfill, each bad value reported under its own name.</summary>
    private static (DateOnly Start, DateOnly End, string Feed)? ReadRange(string? start, string? end, string? feed, TimeProvider time, IngestOptions options, ApiProblems problems)
    {
        var today = NewYorkTime.DateOf(time.GetUtcNow());
        var from = RequestParsing.Date(start, "start", today.AddDays(-30), problems);
        var to = RequestParsing.Date(end, "end", today, problems);
        var source = RequestParsing.OneOf(feed, "feed", options.DefaultFeed, problems, "iex", "sip");
        if (from is not { } f || to is not { } t || source is null) return null;
        if (f > t) problems.Add("start", $"start {f:yyyy-MM-dd} is after end {t:yyyy-MM-dd}.");
        if (t > today) problems.Add("end", $"end {t:yyyy-MM-dd} is in the future (today in New York is {today:yyyy-MM-dd}).");
        if (f.Year < NyseCalendar.FirstYear) problems.Add("start", $"start must be {NyseCalendar.FirstYear}-01-01 or later.");
        return (f, t, source);
    }

    /// <summary>Stores the job (or finds the same one open) and sends its tasks when it is new.</summary>
    private static async Task<(Job Job, bool Created)> QueueAsync(IReadOnlyList<string> symbols, (DateOnly Start, DateOnly End, string Feed) range,
        IReadOnlyList<string> datasets, JobStore jobs, IPublishEndpoint bus, IngestOptions options, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var today = NewYorkTime.DateOf(time.GetUtcNow());
        var windows = JobWindow.Split(range.Start, range.End, options.WindowDays, today);
        var (job, tasks, created) = await jobs.CreateOrGetActiveAsync(BackfillKind, symbols, range.Start, range.End, range.Feed, datasets, windows, cancellationToken);
        if (created) await PublishAsync(job, tasks, jobs, bus, logger, cancellationToken);
        return (job, created);
    }

    /// <summary>
    /// Sends a message per task and records them as sent. A task whose message could not go out
    /// stays unsent in the store, and the ingestion agent's sweeper sends it.
    /// </summary>
    internal static async Task PublishAsync(Job job, IReadOnlyList<JobTask> tasks, JobStore jobs, IPublishEndpoint bus, ILogger logger, CancellationToken cancellationToken)
    {
        var sent = new List<Guid>(tasks.Count);
        foreach (var task in tasks)
        {
            // Bounded: with RabbitMQ away the request answers within seconds, the rest left to the sweeper.
            var (published, reason) = await bus.TryPublishAsync(MessageFor(job, task), cancellationToken);
            if (!published)
            {
                LogPublishFailed(logger, job.Id, reason!);
                break;
            }
            sent.Add(task.Id);
        }
        try
        {
            await jobs.MarkPublishedAsync(sent, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Unmarked, they are sent once more by the sweeper; a duplicate changes nothing.
            LogPublishFailed(logger, job.Id, ex.Message);
        }
    }

    // Each kind of job goes to its own consumer; a rebuild task's "feed" names the feature set and version ("core:1").
    private static object MessageFor(Job job, JobTask task)
    {
        if (job.Kind == JobKinds.CorporateActions) return new RefreshCorporateActions(job.Id, task.Id, task.Symbol, task.Start, task.End);
        if (job.Kind != JobKinds.FeatureRebuild) return new BackfillWindow(job.Id, task.Id, task.Symbol, task.Start, task.End, task.Feed, task.Datasets);
        var (featureSet, version) = JobKinds.ParseFeatureTarget(task.Feed);
        return new RebuildFeatures(job.Id, task.Id, task.Symbol, featureSet, version, task.Start, task.End);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} is stored but its tasks could not be published ({Reason}); its agent's sweeper sends them")]
    private static partial void LogPublishFailed(ILogger logger, Guid jobId, string reason);
}
