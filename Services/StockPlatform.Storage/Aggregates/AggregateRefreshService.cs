using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StockPlatform.Storage.Aggregates;

/// <summary>Runs <see cref="AggregateRefresher"/> passes for the life of the service.</summary>
internal sealed partial class AggregateRefreshService(
    AggregateRefresher refresher,
    IOptions<AggregateRefreshOptions> options,
    TimeProvider time,
    ILogger<AggregateRefreshService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
        using var timer = new PeriodicTimer(options.Value.PollInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await refresher.RefreshAsync(force: false, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The hours stay dirty (reads stay exact); the next pass tries again.
                LogFailed(ex.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing the continuous aggregates failed, will try again: {Reason}")]
    private partial void LogFailed(string reason);
}
