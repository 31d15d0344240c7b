namespace StockPlatform.Frontend.Display;

/// <summary>
/// Reloads a page's data when events say it changed, at most once per <c>minimum</c> interval (a
/// burst of progress events is one reload), and on a slow timer in any case.
/// </summary>
public sealed class Refresher : IDisposable
{
    private readonly Func<Task> _reload;
    private readonly TimeSpan _minimum;
    private readonly Timer _timer;
    private readonly Lock _gate = new();
    private bool _pending;
    private bool _running;
    private DateTime _last = DateTime.MinValue;

    public Refresher(Func<Task> reload, TimeSpan minimum, TimeSpan every)
    {
        _reload = reload;
        _minimum = minimum;
        _timer = new Timer(_ => Poke(), null, every, every);
    }

    /// <summary>Asks for a reload: now if the last one is old enough, else once the interval has passed.</summary>
    public void Poke()
    {
        TimeSpan wait;
        lock (_gate)
        {
            if (_pending || _running) { _pending = true; return; }
            wait = _minimum - (DateTime.UtcNow - _last);
            _pending = true;
        }
        _ = RunAsync(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
    }

    private async Task RunAsync(TimeSpan wait)
    {
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        lock (_gate)
        {
            _pending = false;
            _running = true;
        }
        try
        {
            await _reload();
        }
        catch (ObjectDisposedException)
        {
            // The page went away while reloading.
        }
        finally
        {
            bool again;
            lock (_gate)
            {
                _running = false;
                _last = DateTime.UtcNow;
                again = _pending;
                _pending = false;
            }
            if (again) Poke();
        }
    }

    public void Dispose() => _timer.Dispose();
}
