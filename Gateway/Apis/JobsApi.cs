using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using StockPlatform.Storage.Jobs;

namespace StockPlatform.Gateway.Apis;

/// <summary>
/// <c>GET /jobs/{id}</c> and <c>GET /jobs?status=&amp;symbol=</c> (jobs that include the symbol): what a backfill is doing;
/// <c>DELETE /jobs/{id}</c> cancels one, <c>POST /jobs/{id}/retry</c> runs its failed windows again.
/// </summary>
public static partial class JobsApi
{
    /// <summary>Maps the job endpoints.</summary>
    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/jobs").WithTags("Jobs");
        jobs.MapGet("/{id:guid}", GetJobAsync).WithName("GetJob").WithSummary("A job and its progress")
            .ProducesProblem(StatusCodes.Status404NotFound);
        jobs.MapGet("/{id:guid}/windows", GetWindowsAsync).WithName("GetJobWindows")
            .WithSummary("A job's windows (one symbol's date range each): state, attempts, progress, and why a failed one failed")
            .ProducesProblem(StatusCodes.Status404NotFound);
        jobs.MapGet("/", ListJobsAsync).WithName("ListJobs").WithSummary("Jobs, newest first");
        jobs.MapDelete("/{id:guid}", CancelJobAsync).WithName("CancelJob").WithSummary("Cancel a queued or running job; what it stored stays")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        jobs.MapPost("/{id:guid}/retry", RetryJobAsync).WithName("RetryJob").WithSummary("Run a failed or cancelled job's unfinished windows again")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    /// <summary>
    /// Sessions and bars done so far, the windows that failed for good, and the rows inserted per
    /// dataset the job fetches (<c>{"bars": 47580, "trades": 912000}</c>; empty for other kinds).
    /// A corporate-actions job counts each symbol refreshed as one session.
    /// </summary>
    public sealed record JobProgress(int SessionsDone, int SessionsTotal, long BarsInserted, long BarsCorrected, int FailedWindows,
        IReadOnlyDictionary<string, long> RowsInserted);

    /// <summary>
    /// A job as the API shows it: <c>symbol</c> is its display name (the tickers joined by commas),
    /// <c>symbols</c> the list; <c>kind</c> is <c>backfill</c>, <c>corporate-actions</c> or
    /// <c>feature-rebuild</c> (whose <c>feed</c> names the feature set and version, e.g.
    /// <c>core:1</c>); <c>data</c> what a backfill fetches (<c>bars</c>, <c>trades</c>, <c>quotes</c>).
    /// </summary>
    public sealed record JobResponse(
        Guid JobId,
        string Symbol,
        IReadOnlyList<string> Symbols,
        DateOnly Start,
        DateOnly End,
        string Feed,
        string Status,
        JobProgress Progress,
        string? Error,
        DateTime CreatedAt,
        DateTime UpdatedAt,
        string Kind,
        IReadOnlyList<string> Data);

    /// <summary>
    /// One window of a job: <c>status</c> is pending, running, done or failed (for good, after its
    /// attempts); <c>error</c> is the last attempt's reason and <c>retry_at</c> when a pending one
    /// tries again.
    /// </summary>
    public sealed record WindowResponse(int Seq, string Symbol, DateOnly Start, DateOnly End, string Status, int Attempts,
        int SessionsDone, long BarsInserted, long BarsCorrected, string? Error, DateTime? RetryAt, DateTime UpdatedAt,
        IReadOnlyDictionary<string, long> RowsInserted);

    /// <summary>The body of <c>GET /jobs/{id}/windows</c>, in the order the windows were planned.</summary>
    public sealed record WindowList(Guid JobId, IReadOnlyList<WindowResponse> Windows);

    /// <summary>The body of <c>GET /jobs</c>.</summary>
    public sealed record JobList(IReadOnlyList<JobResponse> Jobs);

    internal static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> GetJobAsync(Guid id, JobStore jobs, CancellationToken cancellationToken)
    {
        var job = await jobs.GetAsync(id, cancellationToken);
        return job is null ? NotFound(id) : TypedResults.Ok(ToResponse(job));
    }

    internal static async Task<Results<Ok<WindowList>, ProblemHttpResult>> GetWindowsAsync(Guid id, JobStore jobs, CancellationToken cancellationToken)
    {
        if (await jobs.GetAsync(id, cancellationToken) is not { } job) return NotFound(id);
        var tasks = await jobs.GetTasksAsync(id, cancellationToken);
        return TypedResults.Ok(new WindowList(id, [.. tasks.OrderBy(t => t.Seq).Select(t => new WindowResponse(
            t.Seq, t.Symbol, t.Start, t.End, t.Status, t.Attempts, t.SessionsDone, t.BarsInserted, t.BarsCorrected,
            t.Error, t.RetryAt?.UtcDateTime, t.UpdatedAt.UtcDateTime,
            JobDatasets.RowsInserted(job.Datasets, t.BarsInserted, t.TradesInserted, t.QuotesInserted)))]));
    }

    internal static async Task<Results<Ok<JobList>, ValidationProblem>> ListJobsAsync(
        string? status, string? symbol, string? limit, JobStore jobs, CancellationToken cancellationToken)
    {
        var problems = new ApiProblems();
        var state = RequestParsing.OneOf(status, "status", null, problems, "queued", "running", "succeeded", "failed", "cancelled");
        var ticker = string.IsNullOrWhiteSpace(symbol) ? null : RequestParsing.Symbol(symbol, problems);
        var count = RequestParsing.Int(limit, "limit", 100, 1, 1000, problems);
        if (problems.Any) return problems.ToResult();

        var found = await jobs.ListAsync(
            state is null ? null : Enum.Parse<JobStatus>(state, ignoreCase: true),
            ticker?.Value,
            count!.Value,
            cancellationToken);
        return TypedResults.Ok(new JobList([.. found.Select(ToResponse)]));
    }

    internal static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> CancelJobAsync(Guid id, JobStore jobs, CancellationToken cancellationToken)
    {
        var job = await jobs.CancelAsync(id, cancellationToken);
        if (job is null) return NotFound(id);
        return job.Status == JobStatus.Cancelled
            ? TypedResults.Ok(ToResponse(job))
            : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Job already finished",
                detail: $"Job {id} is {JobStore.ToText(job.Status)}; only a queued or running job can be cancelled.");
    }

    internal static async Task<Results<Accepted<JobResponse>, ProblemHttpResult>> RetryJobAsync(
        Guid id, JobStore jobs, IPublishEndpoint bus, ILogger<JobResponse> logger, CancellationToken cancellationToken)
    {
        if (await jobs.RetryAsync(id, cancellationToken) is not { } retried) return NotFound(id);
        var (job, reopened) = retried;
        if (reopened.Count == 0)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Nothing to retry",
                detail: job.Status is JobStatus.Failed or JobStatus.Cancelled
                    ? $"Another queued or running job covers the same symbol, range and feed as job {id}."
                    : $"Job {id} is {JobStore.ToText(job.Status)}; only a failed or cancelled job's unfinished windows can be retried.");
        }
        await IngestApi.PublishAsync(job, reopened, jobs, bus, logger, cancellationToken);
        return TypedResults.Accepted($"/jobs/{job.Id}", ToResponse(job));
    }

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Job not found", detail: $"There is no job {id}.");

    internal static JobResponse ToResponse(Job job) => new(
        job.Id,
        job.Symbol,
        job.Symbols,
        job.Start,
        job.End,
        job.Feed,
        JobStore.ToText(job.Status),
        new JobProgress(job.SessionsDone, job.SessionsTotal, job.BarsInserted, job.BarsCorrected, job.FailedWindows, job.RowsInserted),
        job.Error,
        job.CreatedAt.UtcDateTime,
        job.UpdatedAt.UtcDateTime,
        job.Kind,
        job.Datasets);
}
