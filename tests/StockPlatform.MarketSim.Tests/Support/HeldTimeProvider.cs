namespace StockPlatform.MarketSim.Tests.Support;

/// <summary>
/// The system's time, except that timestamps stand still until <see cref="Release"/> and then run
/// on from the value they were held at. The simulated clock measures elapsed time with
/// timestamps, so it stays at its configured start while a test connects and subscribes, and
/// starts moving only when the test lets it: what the stream sends no longer depends on how long
/// the host, the WebSocket handshake and the subscription took on a loaded machine. Timers and
/// the wall clock are the system's.
/// </summary>
internal sealed class HeldTimeProvider : TimeProvider
{
    private readonly long _heldAt = System.GetTimestamp();

    // Set once by Release: how far the system's timestamps are ahead of ours.
    private long _offset;
    private volatile bool _released;

    public override long TimestampFrequency => System.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => System.LocalTimeZone;

    public override long GetTimestamp() => _released ? System.GetTimestamp() - Volatile.Read(ref _offset) : _heldAt;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        System.CreateTimer(callback, state, dueTime, period);

    /// <summary>Lets the timestamps run from now on (once; later calls do nothing).</summary>
    public void Release()
    {
        if (_released) return;
        Volatile.Write(ref _offset, System.GetTimestamp() - _heldAt);
        _released = true;
    }
}
