namespace StockPlatform.Frontend.Tests.Fakes;

/// <summary>
/// A clock that stands still until a test moves it: the pages read the time from it, while its
/// timers still run on real time (a ticking page re-renders and reads the moved clock).
/// </summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
