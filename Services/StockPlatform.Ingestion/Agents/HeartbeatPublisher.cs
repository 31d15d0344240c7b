using MassTransit;
using Microsoft.Extensions.Options;
using StockPlatform.Contracts;

namespace StockPlatform.Ingestion.Agents;

/// <summary>Publishes <see cref="AgentHeartbeat"/> every few seconds; a stalled heartbeat is how a stuck agent is noticed.</summary>
internal sealed partial class HeartbeatPublisher(
    AgentState state,
    IBus bus,
    IOptions<IngestionOptions> options,
    TimeProvider time,
    ILogger<HeartbeatPublisher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, time);
        do
        {
            var (current, detail) = state.Snapshot();
            try
            {
                await bus.Publish(new AgentHeartbeat(AgentState.AgentName, state.Instance, current, detail, null, time.GetUtcNow()), stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The broker may be restarting; the next beat will go through.
                LogMissedBeat(ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat not published: {Reason}")]
    private partial void LogMissedBeat(string reason);
}
