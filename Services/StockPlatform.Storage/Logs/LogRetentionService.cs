using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StockPlatform.Storage.Schema;

namespace StockPlatform.Storage.Logs;

/// <summary>
/// The plain PostgreSQL path's log retention: every <see cref="StorageOptions.LogRetentionSweep"/>,
/// deletes the records older than <see cref="StorageOptions.LogRetention"/>. On TimescaleDB it
/// does nothing (a retention policy drops whole chunks). Every service with a database runs it;
/// sweeps that overlap delete nothing twice.
/// </summary>
internal sealed partial class LogRetentionService(
    LogStore store, StorageSchema schema, IOptions<StorageOptions> options, TimeProvider time, ILogger<LogRetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var timer = new PeriodicTimer(settings.LogRetentionSweep, time);
        var failing = false;
        try
        {
            do
            {
                try
                {
                    if ((await schema.GetInfoAsync(stoppingToken).ConfigureAwait(false)).Path != StoragePath.Plain) return;
                    var deleted = await store.DeleteOlderThanAsync(time.GetUtcNow() - settings.LogRetention, cancellationToken: stoppingToken).ConfigureAwait(false);
                    if (deleted > 0) LogDeleted(deleted, settings.LogRetention.TotalDays);
                    failing = false;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // Said once per outage: the next sweep tries again.
                    if (!failing) LogSweepFailed(ex.Message);
                    failing = true;
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Deleted} log records older than {RetentionDays:0.##} days")]
    private partial void LogDeleted(long deleted, double retentionDays);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleting old log records failed ({Reason}); the next sweep tries again")]
    private partial void LogSweepFailed(string reason);
}
