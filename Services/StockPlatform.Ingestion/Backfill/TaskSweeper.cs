using MassTransit;
using Microsoft.Extensions.Options;
using StockPlatform.Contracts;
using StockPlatform.Storage.Jobs;

namespace StockPlatform.Ingestion.Backfill;

/// <summary>
/// Sends the tasks (backfill windows, corporate-actions refreshes) that need a message: never sent
/// (the gateway could not publish), due after a back-off, or running under a lease that lapsed
/// (their agent died). Tasks waiting in the queue behind busy workers are left alone, and one
/// sweeper runs at a time across every agent (the store's advisory lock), so nothing is sent
/// twice; a duplicate would change nothing anyway.
/// </summary>
internal sealed partial class TaskSweeper(
    JobStore jobs,
    IBus bus,
    IOptions<IngestionOptions> options,
    TimeProvider time,
    ILogger<TaskSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database or broker may be down; the next sweep tries again.
                LogSweepFailed(ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    // The broker holds a publish until it is back: bounded, so a sweep's transaction is not held open as long.
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(10);

    internal async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        // Sent before they are marked sent (the store commits after): a sweep cut short by the
        // broker or a kill leaves them due, never marked sent and lost.
        var due = await jobs.TakeDueTasksAsync(options.Value.UnsentTaskGrace, JobKinds.Backfill, (tasks, token) => SendAsync(tasks,
            task => new BackfillWindow(task.JobId, task.Id, task.Symbol, task.Start, task.End, task.Feed, task.Datasets), token), cancellationToken);
        if (due.Count > 0) LogResent(due.Count, JobKinds.Backfill);
        var refreshes = await jobs.TakeDueTasksAsync(options.Value.UnsentTaskGrace, JobKinds.CorporateActions, (tasks, token) => SendAsync(tasks,
            task => new RefreshCorporateActions(task.JobId, task.Id, task.Symbol, task.Start, task.End), token), cancellationToken);
        if (refreshes.Count > 0) LogResent(refreshes.Count, JobKinds.CorporateActions);
        return due.Count + refreshes.Count;
    }

    private async Task SendAsync<T>(IReadOnlyList<JobTask> tasks, Func<JobTask, T> message, CancellationToken cancellationToken)
        where T : class
    {
        using var sending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        sending.CancelAfter(SendTimeout);
        try
        {
            foreach (var task in tasks) await bus.Publish(message(task), sending.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Not a cancellation of the sweeper: a failed sweep, tried again at the next tick.
            throw new InvalidOperationException($"the broker did not take the messages within {SendTimeout.TotalSeconds:0} s");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent {Count} {Kind} tasks (unsent, due for a retry, or whose agent stopped)")]
    private partial void LogResent(int count, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep for stalled tasks failed: {Reason}")]
    private partial void LogSweepFailed(string reason);
}
