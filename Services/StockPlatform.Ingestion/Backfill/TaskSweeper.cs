using MassTransit;
using Microsoft.Extensions.Options;
using StockPlatform.Contracts;
using StockPlatform.Storage.Jobs;

namespace StockPlatform.Ingestion.Backfill;

/// <summary>
/// Sends again the tasks nobody has touched for a while: their message was lost (the gateway
/// could not publish, the broker lost it) or ended in the error queue. Messages a killed process
/// held are redelivered by RabbitMQ by itself; this covers everything else. Duplicates are safe:
/// a task already done is skipped and upserts are idempotent.
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
        var staleBefore = time.GetUtcNow() - options.Value.StaleTaskAfter;
        var resent = 0;
        foreach (var task in await jobs.GetUnfinishedTasksAsync(cancellationToken))
        {
            if (task.UpdatedAt > staleBefore) continue;
            await bus.Publish(new BackfillWindow(task.JobId, task.Id, task.Symbol, task.Start, task.End, task.Feed), cancellationToken);
            resent++;
        }
        if (resent > 0) LogResent(resent);
        return resent;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent {Count} stalled backfill tasks again")]
    private partial void LogResent(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep for stalled tasks failed: {Reason}")]
    private partial void LogSweepFailed(string reason);
}
