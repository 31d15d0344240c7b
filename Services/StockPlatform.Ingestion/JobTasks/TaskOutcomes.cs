using MassTransit;
using Microsoft.Extensions.Options;
using StockPlatform.Contracts;
using StockPlatform.MarketData.Alpaca.Errors;
using StockPlatform.ServiceDefaults.Agents;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Jobs;

namespace StockPlatform.Ingestion.JobTasks;

/// <summary>
/// What every task the agent runs (a backfill window, a corporate-actions refresh) reports the
/// same way: its job's progress, a failed attempt (tried again after a back-off, or failed for
/// good with the reason), and its job's end.
/// </summary>
public sealed partial class TaskOutcomes(
    JobStore jobs,
    IPublishEndpoint bus,
    AgentIdentity identity,
    AgentStatus status,
    IOptions<IngestionOptions> options,
    TimeProvider time,
    ILogger<TaskOutcomes> logger)
{
    /// <summary>Announces a job's progress, with its rows per dataset.</summary>
    public Task PublishProgressAsync(Job job, CancellationToken cancellationToken) =>
        bus.Publish(new JobProgressed(job.Id, job.Symbol, job.SessionsDone, job.SessionsTotal, job.BarsInserted, job.BarsCorrected, time.GetUtcNow(), job.RowsInserted),
            cancellationToken);

    /// <summary>Announces a job that succeeded.</summary>
    public async Task PublishCompletedAsync(Job job, CancellationToken cancellationToken)
    {
        LogJobSucceeded(job.Id, job.Kind, job.SessionsTotal, job.BarsInserted, job.TradesInserted, job.QuotesInserted);
        await bus.Publish(new JobCompleted(job.Id, job.Symbol, job.SessionsTotal, job.BarsInserted, job.BarsCorrected, time.GetUtcNow(), job.RowsInserted), cancellationToken);
    }

    /// <summary>
    /// Records a failed attempt of a task. Bad keys, an unknown symbol, a plan without the feed, a
    /// request Alpaca refuses: no retry can mend those, the task fails at once with Alpaca's words.
    /// Anything else (Alpaca or the database down past their own retries, rows that fail
    /// validation) is tried again after a back-off, until the attempts are used up.
    /// </summary>
    public async Task RecordFailureAsync(JobTask task, Exception exception)
    {
        var settings = options.Value;
        var permanent = exception is AlpacaException { IsTransient: false };
        var reason = exception is AlpacaException or BarValidationException ? exception.Message : $"{exception.GetType().Name}: {exception.Message}";
        var retryAt = permanent || task.Attempts >= settings.MaxTaskAttempts ? (DateTimeOffset?)null : time.GetUtcNow() + settings.RetryDelay(task.Attempts);
        var job = await jobs.RecordFailureAsync(task.Id, identity.Instance, $"{task.Symbol} {task.Start:yyyy-MM-dd}..{task.End:yyyy-MM-dd}: {reason}", retryAt, CancellationToken.None);
        if (retryAt is { } next)
        {
            LogAttemptFailed(task.Symbol, task.Attempts, settings.MaxTaskAttempts, task.Start, task.End, reason, next);
            return;
        }
        LogWindowFailed(task.Symbol, task.Attempts, task.Start, task.End, reason);
        status.Count("window_failures");
        if (job is { Status: JobStatus.Failed })
        {
            LogJobFailed(job.Id, job.FailedWindows, job.Error ?? reason);
            await bus.Publish(new JobFailed(job.Id, job.Symbol, job.Error ?? reason, time.GetUtcNow()), CancellationToken.None);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} ({Kind}) succeeded: {Sessions} sessions, {Bars} bars, {Trades} trades and {Quotes} quotes inserted")]
    private partial void LogJobSucceeded(Guid jobId, string kind, int sessions, long bars, long trades, long quotes);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} failed ({FailedWindows} windows): {Reason}")]
    private partial void LogJobFailed(Guid jobId, int failedWindows, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Attempt {Attempt} of {MaxAttempts} for {Symbol} {Start}..{End} failed ({Reason}); trying again at {RetryAt:O}")]
    private partial void LogAttemptFailed(string symbol, int attempt, int maxAttempts, DateOnly start, DateOnly end, string reason, DateTimeOffset retryAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Window {Symbol} {Start}..{End} failed for good after {Attempts} attempt(s): {Reason}")]
    private partial void LogWindowFailed(string symbol, int attempts, DateOnly start, DateOnly end, string reason);
}
