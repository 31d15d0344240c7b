namespace StockPlatform.MarketSim.Clock;

/// <summary>
/// The one simulated clock shared by REST and the stream: <c>now = Start + realElapsed * Speed</c>.
/// REST never serves a bar whose minute has not ended by <see cref="Now"/>, and the stream emits
/// each minute's bars when <see cref="Now"/> passes the minute mark, so both agree at every instant.
/// </summary>
public sealed class SimulatedClock
{
    private readonly TimeProvider _time;
    private readonly long _startTimestamp;

    /// <summary>Starts a clock at <paramref name="start"/> (default: the real time now) running at <paramref name="speed"/>.</summary>
    public SimulatedClock(TimeProvider time, DateTimeOffset? start, double speed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(speed);
        _time = time;
        _startTimestamp = time.GetTimestamp();
        Start = (start ?? time.GetUtcNow()).ToUniversalTime();
        Speed = speed;
    }

    /// <summary>The simulated instant at which the clock started.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>Simulated seconds per real second.</summary>
    public double Speed { get; }

    /// <summary>The current simulated instant (UTC).</summary>
    public DateTimeOffset Now => Start + (_time.GetElapsedTime(_startTimestamp) * Speed);

    /// <summary>Real time to wait until the simulated clock reaches <paramref name="instant"/> (zero when already past).</summary>
    public TimeSpan RealDelayUntil(DateTimeOffset instant)
    {
        var ahead = instant - Now;
        return ahead <= TimeSpan.Zero ? TimeSpan.Zero : ahead / Speed;
    }
}
