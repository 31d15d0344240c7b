using Microsoft.Extensions.Options;
using StockPlatform.Archive.Tiering;
using StockPlatform.ServiceDefaults.Agents;

namespace StockPlatform.Features.Archiving;

/// <summary>
/// Applies the hot store's retention now and then (<see cref="FeaturesOptions.RetentionInterval"/>):
/// archived sessions past it leave PostgreSQL once their partition is checked against them.
/// </summary>
internal sealed partial class RetentionService(AgentControl control, HotStoreRetention retention, IOptions<FeaturesOptions> options, TimeProvider time, ILogger<RetentionService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RetentionInterval, time);
        do
        {
            // Paused: nothing new is started until the agent is resumed.
            await control.WaitUntilResumedAsync(stoppingToken);
            try
            {
                await retention.ApplyAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database may be down or the archive locked for a moment; the next pass tries again.
                LogFailed(ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hot store retention failed: {Reason}; trying again at the next pass")]
    private partial void LogFailed(string reason);
}
