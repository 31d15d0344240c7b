using MassTransit;
using Microsoft.Extensions.Options;
using StockPlatform.Contracts;

namespace StockPlatform.LiveStream.Streaming;

/// <summary>
/// Publishes the stream's state every few seconds (<c>standby</c>, <c>connecting</c>,
/// <c>streaming</c>, <c>backing-off</c>, or <c>stalled</c> when a streaming connection has been
/// silent past <see cref="LiveStreamOptions.StallTimeout"/> while the market is open).
/// </summary>
internal sealed partial class HeartbeatPublisher(StreamState state, IBus bus, IOptions<LiveStreamOptions> options, TimeProvider time, ILogger<HeartbeatPublisher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, time);
        do
        {
            var now = time.GetUtcNow();
            var current = state.State;
            if (current == "streaming" && state.LastMessage is { } last && now - last > options.Value.StallTimeout && MarketHours.IsOpen(now))
            {
                current = "stalled";
                LogStalled((now - last).TotalSeconds);
            }
            try
            {
                await bus.Publish(new AgentHeartbeat(StreamState.AgentName, state.Instance, current, state.Describe(), null, now), stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The broker may be restarting; the next beat will go through.
                LogMissedBeat(ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stream has been silent for {Seconds:0} s while the market is open: stalled")]
    private partial void LogStalled(double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat not published: {Reason}")]
    private partial void LogMissedBeat(string reason);
}
