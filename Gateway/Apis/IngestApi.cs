using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StockPlatform.Contracts;
using StockPlatform.Gateway.Extensions;
using StockPlatform.MarketData.Calendar;
using StockPlatform.Storage.Jobs;

namespace StockPlatform.Gateway.Apis;

/// <summary>
/// <c>POST /ingest/{symbol}</c>: queue a backfill of 1-minute bars. The job is split into date
/// windows, one task (and one message) each, so no message holds hours of work and a crash
/// loses at most one window. Asking again for the same symbol, range and feed while that job is
/// queued or running returns it instead of starting another.
/// </summary>
public static partial class IngestApi
{
    /// <summary>The job kind of a historical backfill.</summary>
    public const string BackfillKind = "backfill";

    /// <summary>Maps the ingest endpoint.</summary>
    public static IEndpointRouteBuilder MapIngestApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/ingest/{symbol}", StartIngestAsync)
            .WithName("StartIngest")
            .WithTags("Ingest")
            .WithSummary("Queue a backfill of 1-minute bars for a symbol and date range");
        return app;
    }

    /// <summary>The body of an accepted (202) or repeated (200) ingest request.</summary>
    public sealed record IngestResponse(Guid JobId, string Symbol, DateOnly Start, DateOnly End, string Feed, string Status);

    internal static async Task<Results<Accepted<IngestResponse>, Ok<IngestResponse>, ValidationProblem>> StartIngestAsync(
        string symbol,
        string? start,
        string? end,
        string? feed,
        JobStore jobs,
        IPublishEndpoint bus,
        TimeProvider time,
        IOptions<IngestOptions> options,
        ILogger<IngestOptions> logger,
        CancellationToken cancellationToken)
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
            if (t > today) problems.Add("end", $"end {t:yyyy-MM-dd} is in the future (today in New York is {today:yyyy-MM-dd}).");
            if (f.Year < NyseCalendar.FirstYear) problems.Add("start", $"start must be {NyseCalendar.FirstYear}-01-01 or later.");
        }
        if (problems.Any) return problems.ToResult();

        var windows = JobWindow.Split(from!.Value, to!.Value, options.Value.WindowDays, today);
        var (job, tasks, created) = await jobs.CreateOrGetActiveAsync(BackfillKind, ticker!.Value, from.Value, to.Value, source!, windows, cancellationToken);
        var body = new IngestResponse(job.Id, job.Symbol, job.Start, job.End, job.Feed, JobStore.ToText(job.Status));
        if (!created) return TypedResults.Ok(body);

        await PublishAsync(job, tasks, jobs, bus, logger, cancellationToken);
        return TypedResults.Accepted($"/jobs/{job.Id}", body);
    }

    /// <summary>
    /// Sends a message per task and records them as sent. A task whose message could not go out
    /// stays unsent in the store, and the ingestion agent's sweeper sends it.
    /// </summary>
    internal static async Task PublishAsync(Job job, IReadOnlyList<JobTask> tasks, JobStore jobs, IPublishEndpoint bus, ILogger logger, CancellationToken cancellationToken)
    {
        var sent = new List<Guid>(tasks.Count);
        try
        {
            foreach (var task in tasks)
            {
                await bus.Publish(new BackfillWindow(job.Id, task.Id, task.Symbol, task.Start, task.End, task.Feed), cancellationToken);
                sent.Add(task.Id);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPublishFailed(logger, job.Id, ex.Message);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} is stored but its tasks could not be published ({Reason}); the ingestion agent will pick them up")]
    private static partial void LogPublishFailed(ILogger logger, Guid jobId, string reason);
}
