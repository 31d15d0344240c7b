using StockPlatform.Storage.Jobs;

namespace StockPlatform.Ingestion.Backfill;

/// <summary>
/// Keeps a claimed window's lease alive while it works, renewing it every third of its length.
/// When a renewal is refused (the job was cancelled, or the lease lapsed and another agent took
/// the window) <see cref="Token"/> is cancelled, and the work stops at its next await: an upsert
/// in flight rolls back whole, so it stops at a page boundary.
/// </summary>
internal sealed partial class TaskLease : IAsyncDisposable
{
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _done = new();
    private readonly CancellationTokenSource _linked;
    private readonly Task _renewing;

    public TaskLease(JobStore jobs, Guid taskId, string owner, TimeSpan lease, TimeProvider time, ILogger logger, CancellationToken stopping)
    {
        _linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, _lost.Token);
        _renewing = RenewAsync(jobs, taskId, owner, lease, time, logger);
    }

    /// <summary>Cancelled when the agent stops or the lease is lost.</summary>
    public CancellationToken Token => _linked.Token;

    /// <summary>True once a renewal was refused.</summary>
    public bool IsLost => _lost.IsCancellationRequested;

    private async Task RenewAsync(JobStore jobs, Guid taskId, string owner, TimeSpan lease, TimeProvider time, ILogger logger)
    {
        using var timer = new PeriodicTimer(lease / 3, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_done.Token))
            {
                try
                {
                    if (!await jobs.RenewLeaseAsync(taskId, owner, lease, _done.Token))
                    {
                        LogLost(logger, taskId);
                        await _lost.CancelAsync();
                        return;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The database may be down; the work fails on it too. Keep trying until the work ends.
                    LogRenewFailed(logger, taskId, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The work ended.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _done.CancelAsync();
        await _renewing;
        _linked.Dispose();
        _lost.Dispose();
        _done.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} is no longer ours (its job was cancelled, or another agent took it over): stopping")]
    private static partial void LogLost(ILogger logger, Guid taskId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew the lease of task {TaskId}: {Reason}")]
    private static partial void LogRenewFailed(ILogger logger, Guid taskId, string reason);
}
