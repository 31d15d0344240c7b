using Microsoft.AspNetCore.Http.HttpResults;
using StockPlatform.Storage.Jobs;

namespace StockPlatform.Gateway.Apis;

/// <summary><c>GET /jobs/{id}</c> and <c>GET /jobs?status=&amp;symbol=</c>: what a backfill is doing.</summary>
public static class JobsApi
{
    /// <summary>Maps the job endpoints.</summary>
    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/jobs").WithTags("Jobs");
        jobs.MapGet("/{id:guid}", GetJobAsync).WithName("GetJob").WithSummary("A job and its progress");
        jobs.MapGet("/", ListJobsAsync).WithName("ListJobs").WithSummary("Jobs, newest first");
        return app;
    }

    /// <summary>Sessions and bars done so far.</summary>
    public sealed record JobProgress(int SessionsDone, int SessionsTotal, long BarsInserted, long BarsCorrected);

    /// <summary>A job as the API shows it.</summary>
    public sealed record JobResponse(
        Guid JobId,
        string Symbol,
        DateOnly Start,
        DateOnly End,
        string Feed,
        string Status,
        JobProgress Progress,
        string? Error,
        DateTime CreatedAt,
        DateTime UpdatedAt);

    /// <summary>The body of <c>GET /jobs</c>.</summary>
    public sealed record JobList(IReadOnlyList<JobResponse> Jobs);

    internal static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> GetJobAsync(Guid id, JobStore jobs, CancellationToken cancellationToken)
    {
        var job = await jobs.GetAsync(id, cancellationToken);
        return job is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Job not found", detail: $"There is no job {id}.")
            : TypedResults.Ok(ToResponse(job));
    }

    internal static async Task<Results<Ok<JobList>, ValidationProblem>> ListJobsAsync(
        string? status, string? symbol, string? limit, JobStore jobs, CancellationToken cancellationToken)
    {
        var problems = new ApiProblems();
        var state = RequestParsing.OneOf(status, "status", null, problems, "queued", "running", "succeeded", "failed");
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

    internal static JobResponse ToResponse(Job job) => new(
        job.Id,
        job.Symbol,
        job.Start,
        job.End,
        job.Feed,
        JobStore.ToText(job.Status),
        new JobProgress(job.SessionsDone, job.SessionsTotal, job.BarsInserted, job.BarsCorrected),
        job.Error,
        job.CreatedAt.UtcDateTime,
        job.UpdatedAt.UtcDateTime);
}
