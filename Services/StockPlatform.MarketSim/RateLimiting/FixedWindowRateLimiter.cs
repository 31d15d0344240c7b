using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using StockPlatform.MarketSim.Options;

namespace StockPlatform.MarketSim.RateLimiting;

/// <summary>What the limiter decided for one request, with the values of the three headers.</summary>
internal readonly record struct RateLimitDecision(bool Allowed, int Limit, int Remaining, long ResetUnixSeconds);

/// <summary>
/// A fixed window per API key, on the real clock (a client's budget is real requests per real
/// minute whatever the simulated clock does). A window starts with a key's first request and
/// ends on a whole second, so <c>X-RateLimit-Reset</c> (unix seconds) is exactly when it ends.
/// </summary>
internal sealed class FixedWindowRateLimiter(IOptions<MarketSimOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public RateLimitDecision Acquire(string key)
    {
        var settings = options.Value.RateLimit;
        var now = time.GetUtcNow();
        var window = _windows.GetOrAdd(key, _ => new Window());
        lock (window)
        {
            if (now >= window.End)
            {
                window.End = CeilingToSecond(now + settings.Window);
                window.Count = 0;
            }
            window.Count++;
            var allowed = window.Count <= settings.RequestsPerWindow;
            var remaining = Math.Max(0, settings.RequestsPerWindow - window.Count);
            if (_windows.Count > 10_000) Prune(now);
            return new RateLimitDecision(allowed, settings.RequestsPerWindow, remaining, window.End.ToUnixTimeSeconds());
        }
    }

    // Keys that stopped calling would otherwise stay forever.
    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, window) in _windows)
        {
            if (window.End < now) _windows.TryRemove(key, out _);
        }
    }

    private static DateTimeOffset CeilingToSecond(DateTimeOffset instant)
    {
        var remainder = instant.UtcTicks % TimeSpan.TicksPerSecond;
        return remainder == 0 ? instant : instant.AddTicks(TimeSpan.TicksPerSecond - remainder);
    }

    private sealed class Window
    {
        public DateTimeOffset End { get; set; } = DateTimeOffset.MinValue;

        public int Count { get; set; }
    }
}
