namespace StockPlatform.LiveStream.Streaming;

/// <summary>
/// What the live updater is doing, for heartbeats and logs: <c>standby</c> (another instance
/// streams), <c>connecting</c>, <c>streaming</c>, <c>backing-off</c> (waiting to reconnect),
/// with the last message's time and counters.
/// </summary>
public sealed class StreamState
{
    private long _bars;
    private long _corrections;
    private long _reconnects;
    private long _trades;
    private long _quotes;
    private long _lastMessageTicks;

    public string State { get; private set; } = "standby";

    public long Bars => Interlocked.Read(ref _bars);

    public long Corrections => Interlocked.Read(ref _corrections);

    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Streamed trades stored (new ones only).</summary>
    public long Trades => Interlocked.Read(ref _trades);

    /// <summary>Streamed quotes stored (new ones only).</summary>
    public long Quotes => Interlocked.Read(ref _quotes);

    /// <summary>When the stream last said anything (null before the first message).</summary>
    public DateTimeOffset? LastMessage => Interlocked.Read(ref _lastMessageTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    public void Set(string state) => State = state;

    public void Heard(DateTimeOffset at) => Interlocked.Exchange(ref _lastMessageTicks, at.UtcTicks);

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

    /// <summary>The heartbeat's task line.</summary>
    public string Describe() =>
        $"last message {(LastMessage is { } at ? at.ToString("O") : "never")}";
}
