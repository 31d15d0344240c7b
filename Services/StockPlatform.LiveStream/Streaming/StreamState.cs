namespace StockPlatform.LiveStream.Streaming;

/// <summary>
/// What the live updater is doing, for heartbeats and logs: <c>standby</c> (another instance
/// streams), <c>connecting</c>, <c>streaming</c>, <c>backing-off</c> (waiting to reconnect), or
/// <c>stalled</c>: a connection went silent while bars were expected, and no bar, trade or quote
/// has arrived since (it stays through the reconnect, so a heartbeat cannot miss it); with the
/// last message's time and counters.
/// </summary>
public sealed class StreamState
{
    private long _bars;
    private long _corrections;
    private long _reconnects;
    private long _trades;
    private long _quotes;
    private long _stalls;
    private long _rejected;
    private long _lostBatches;
    private long _lastMessageTicks;
    private volatile string _connection = "standby";
    private volatile bool _stalled;

    /// <summary>The state a heartbeat shows: <see cref="Connection"/>, or <c>stalled</c> until data flows again.</summary>
    public string State => _stalled ? "stalled" : _connection;

    /// <summary>The connection's own state, stalled or not (the stall watch judges the connection open now).</summary>
    public string Connection => _connection;

    public long Bars => Interlocked.Read(ref _bars);

    public long Corrections => Interlocked.Read(ref _corrections);

    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Streamed trades stored (new ones only).</summary>
    public long Trades => Interlocked.Read(ref _trades);

    /// <summary>Streamed quotes stored (new ones only).</summary>
    public long Quotes => Interlocked.Read(ref _quotes);

    /// <summary>Connections given up for silence.</summary>
    public long Stalls => Interlocked.Read(ref _stalls);

    /// <summary>Streamed bars dropped as invalid (each one logged).</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Batches of stream bars the store refused after its retries (their minutes handed to the gap fill).</summary>
    public long LostBatches => Interlocked.Read(ref _lostBatches);

    /// <summary>When the stream last said anything (null before the first message).</summary>
    public DateTimeOffset? LastMessage => Interlocked.Read(ref _lastMessageTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>Sets the connection's state; <c>standby</c> (not leading any more) also ends a stall.</summary>
    public void Set(string state)
    {
        _connection = state;
        if (state == "standby") _stalled = false;
    }

    public void Heard(DateTimeOffset at) => Interlocked.Exchange(ref _lastMessageTicks, at.UtcTicks);

    /// <summary>A bar, trade or quote arrived: data flows, so a stall is over.</summary>
    public void DataFlowed() => _stalled = false;

    /// <summary>The open connection has been silent too long: stalled until data flows again.</summary>
    public void Stalled()
    {
        _stalled = true;
        Interlocked.Increment(ref _stalls);
    }

    public void Stored(int bars, int corrections)
    {
        Interlocked.Add(ref _bars, bars);
        Interlocked.Add(ref _corrections, corrections);
    }

    public void StoredTicks(int trades, int quotes)
    {
        Interlocked.Add(ref _trades, trades);
        Interlocked.Add(ref _quotes, quotes);
    }

    public void Reconnected() => Interlocked.Increment(ref _reconnects);

    public void RejectedBars(int count) => Interlocked.Add(ref _rejected, count);

    public void LostBatch() => Interlocked.Increment(ref _lostBatches);

    /// <summary>The heartbeat's task line.</summary>
    public string Describe() =>
        $"last message {(LastMessage is { } at ? at.ToString("O") : "never")}";
}
