using System.Collections.Concurrent;
using StockPlatform.Storage.Jobs;

namespace StockPlatform.Ingestion.Backfill;

/// <summary>
/// Keeps the leases of a batch's claimed windows alive while they work, renewing them all in one
/// statement every third of the lease. A window whose renewal is refused (its job was cancelled,
/// or the lease lapsed and another agent took it) is no longer held: the work on it stops at the
/// next page, and nothing more is stored for it. A window done or failed is let go.
/// </summary>
internal sealed partial class BatchLease : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Guid, bool> _held = new();
    private readonly CancellationTokenSource _done = new();
    private readonly Task _renewing;

    public BatchLease(JobStore jobs, IEnumerable<Guid> taskIds, string owner, TimeSpan lease, TimeProvider time, ILogger logger)
    {
        foreach (var id in taskIds) _held[id] = true;
        _renewing = RenewAsync(jobs, owner, lease, time, logger);
    }

    /// <summary>True while the window is this agent's to work on.</summary>
    public bool IsHeld(Guid taskId) => _held.ContainsKey(taskId);

    /// <summary>Stops renewing a window: it is done, failed, or found lost.</summary>
    public void Release(Guid taskId) => _held.TryRemove(taskId, out _);

    private async Task RenewAsync(JobStore jobs, string owner, TimeSpan lease, TimeProvider time, ILogger logger)
    {
        using var timer = new PeriodicTimer(lease / 3, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_done.Token))
            {
                var ids = _held.Keys.ToList();
                if (ids.Count == 0) continue;
                try
                {
                    var renewed = await jobs.RenewLeasesAsync(ids, owner, lease, _done.Token);
                    foreach (var id in ids.Where(id => !renewed.Contains(id)))
                    {
                        LogLost(logger, id);
                        Release(id);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The database may be down; the work fails on it too. Keep trying until the work ends.
                    LogRenewFailed(logger, ids.Count, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The batch ended.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _done.CancelAsync();
        await _renewing;
        _done.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} is no longer ours (its job was cancelled, or another agent took it over): stopping work on it")]
    private static partial void LogLost(ILogger logger, Guid taskId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew the leases of {Count} tasks: {Reason}")]
    private static partial void LogRenewFailed(ILogger logger, int count, string reason);
}
