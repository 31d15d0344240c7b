using Microsoft.Extensions.Options;
using StockPlatform.ServiceDefaults.Agents;

namespace StockPlatform.LiveStream.Streaming;

/// <summary>
/// The live updater's heartbeat: the stream's state (<c>standby</c>, <c>connecting</c>,
/// <c>streaming</c>, <c>backing-off</c>), or <c>stalled</c> when a streaming connection has been
/// silent past <see cref="LiveStreamOptions.StallTimeout"/> while the market is open; the last
/// message's time, and the bars, corrections, reconnects, trades and quotes so far.
/// </summary>
internal sealed partial class StreamReporter(StreamState state, IOptions<LiveStreamOptions> options, ILogger<StreamReporter> logger) : IAgentReporter
{
    public void Report(AgentStatus status, DateTimeOffset now)
    {
        var current = state.State;
        if (current == "streaming" && state.LastMessage is { } last && now - last > options.Value.StallTimeout && MarketHours.IsOpen(now))
        {
            current = "stalled";
            LogStalled((now - last).TotalSeconds);
        }
        status.SetState(current);
        status.UpdateTask("stream", state.Describe(), null);
        status.SetCounter("bars", state.Bars);
        status.SetCounter("corrections", state.Corrections);
        status.SetCounter("reconnects", state.Reconnects);
        status.SetCounter("trades", state.Trades);
        status.SetCounter("quotes", state.Quotes);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stream has been silent for {Seconds:0} s while the market is open: stalled")]
    private partial void LogStalled(double seconds);
}
