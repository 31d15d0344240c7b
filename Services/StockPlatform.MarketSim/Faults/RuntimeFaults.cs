using StockPlatform.MarketSim.Streaming;

namespace StockPlatform.MarketSim.Faults;

/// <summary>
/// Faults switched on while MarketSim runs, for chaos runs and tests that host it in-process
/// (resolve it from <c>app.Services</c>): a burst of 429 or 500 answers to every authenticated
/// REST request for a while, and cutting every open stream connection at once. The configured
/// faults (<c>MarketSim:Faults</c>) are fixed for a run; these come and go on the caller's cue.
/// </summary>
public sealed class RuntimeFaults
{
    private readonly TimeProvider _time;
    private readonly StreamHub _hub;
    private readonly Lock _lock = new();
    private (int Status, DateTimeOffset Until)? _burst;
    private long _burstAnswers;

    internal RuntimeFaults(TimeProvider time, StreamHub hub)
    {
        _time = time;
        _hub = hub;
    }

    /// <summary>REST answers given by bursts so far.</summary>
    public long BurstAnswers => Interlocked.Read(ref _burstAnswers);

    /// <summary>
    /// Answers every authenticated REST request with <paramref name="status"/> (429 or 500) for
    /// <paramref name="duration"/> on the real clock. A 429 says the budget is spent until the
    /// burst ends (<c>X-RateLimit-Remaining: 0</c>, <c>X-RateLimit-Reset</c> at its end), as
    /// Alpaca's does when another client shares the key.
    /// </summary>
    public void StartBurst(int status, TimeSpan duration)
    {
        if (status is not (429 or 500)) throw new ArgumentOutOfRangeException(nameof(status), status, "a burst answers 429 or 500");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        lock (_lock) _burst = (status, _time.GetUtcNow() + duration);
    }

    /// <summary>Ends a burst early.</summary>
    public void StopBurst()
    {
        lock (_lock) _burst = null;
    }

    /// <summary>Cuts every authenticated stream connection abruptly (no close frame), as a network failure would; returns how many.</summary>
    public int DropStreams()
    {
        var sessions = _hub.Active;
        foreach (var session in sessions) session.Cut();
        return sessions.Length;
    }

    /// <summary>The burst in force now (its status and end), counted as one answer given; null when none.</summary>
    internal (int Status, DateTimeOffset Until)? TakeBurstAnswer()
    {
        lock (_lock)
        {
            if (_burst is not { } burst) return null;
            if (_time.GetUtcNow() >= burst.Until)
            {
                _burst = null;
                return null;
            }
            _burstAnswers++;
            return burst;
        }
    }
}
