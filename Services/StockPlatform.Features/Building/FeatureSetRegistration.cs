namespace StockPlatform.Features.Building;

/// <summary>
/// Registers the code's feature sets at start-up, so <c>GET /features</c> lists them before
/// anything is built; tries again while the database is unreachable. A version registered with
/// other parameters stops the agent: it must not write values under another version's name.
/// </summary>
internal sealed partial class FeatureSetRegistration(FeatureRegistry registry, IHostApplicationLifetime lifetime, ILogger<FeatureSetRegistration> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await registry.RegisterAllAsync(stoppingToken);
                return;
            }
            catch (Storage.Features.FeatureVersionConflictException conflict)
            {
                LogConflict(conflict.Message);
                lifetime.StopApplication();
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRetry(attempt, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, 2 * attempt)), stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Feature sets cannot be registered: {Reason}")]
    private partial void LogConflict(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registering the feature sets failed (attempt {Attempt}): {Reason}; trying again")]
    private partial void LogRetry(int attempt, string reason);
}
