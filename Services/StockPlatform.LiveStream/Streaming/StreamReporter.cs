using StockPlatform.ServiceDefaults.Agents;

namespace StockPlatform.LiveStream.Streaming;

/// <summary>
/// The live updater's heartbeat: the stream's state (<c>standby</c>, <c>connecting</c>,
/// <c>streaming</c>, <c>backing-off</c>, or <c>stalled</c> from the moment the stall watch gives a
/// silent connection up until data flows again), the last message's time, and the bars,
/// corrections, reconnects, stalls, trades, quotes, rejected bars and lost batches so far.
/// </summary>
internal sealed class StreamReporter(StreamState state) : IAgentReporter
{
    public void Report(AgentStatus status, DateTimeOffset now)
    {
        status.SetState(state.State);
        status.UpdateTask("stream", state.Describe(), null);
        status.SetCounter("bars", state.Bars);
        status.SetCounter("corrections", state.Corrections);
        status.SetCounter("reconnects", state.Reconnects);
        status.SetCounter("stalls", state.Stalls);
        status.SetCounter("trades", state.Trades);
        status.SetCounter("quotes", state.Quotes);
        status.SetCounter("rejected_bars", state.Rejected);
        status.SetCounter("lost_batches", state.LostBatches);
    }
}
