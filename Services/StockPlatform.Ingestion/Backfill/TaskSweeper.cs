using MassTransit;
using Microsoft.Extensions.Options;
using StockPlatform.Contracts;
using StockPlatform.ServiceDefaults.Messaging;
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

    internal async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        // Sent before they are marked sent (the store commits after): a sweep cut short by the
        // broker or a kill leaves them due, never marked sent and lost.
        var due = await jobs.TakeDueTasksAsync(options.Value.UnsentTaskGrace, JobKinds.Backfill, (tasks, token) => bus.PublishAllAsync(
            tasks.Select(task => new BackfillWindow(task.JobId, task.Id, task.Symbol, task.Start, task.End, task.Feed, task.Datasets)), token), cancellationToken);
        if (due.Count > 0) LogResent(due.Count, JobKinds.Backfill);
        var refreshes = await jobs.TakeDueTasksAsync(options.Value.UnsentTaskGrace, JobKinds.CorporateActions, (tasks, token) => bus.PublishAllAsync(
            tasks.Select(task => new RefreshCorporateActions(task.JobId, task.Id, task.Symbol, task.Start, task.End)), token), cancellationToken);
        if (refreshes.Count > 0) LogResent(refreshes.Count, JobKinds.CorporateActions);
        return due.Count + refreshes.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent {Count} {Kind} tasks (unsent, due for a retry, or whose agent stopped)")]
    private partial void LogResent(int count, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep for stalled tasks failed: {Reason}")]
    private partial void LogSweepFailed(string reason);
}
