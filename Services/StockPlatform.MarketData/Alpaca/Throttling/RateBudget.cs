using System.Globalization;
using System.Net.Http.Headers;

namespace StockPlatform.MarketData.Alpaca.Throttling;

/// <summary>
/// The request budget of one API key, shared by every concurrent request in the process and fed
/// by Alpaca's <c>X-RateLimit-Limit/Remaining/Reset</c> headers. A request takes a slot before it
/// is sent; when the window's remaining budget (less the requests still in flight) is spent, the
/// caller waits for the reset instead of earning a 429. The whole budget is used and nothing is
/// wasted: a backfill of N pages takes about N / limit windows.
/// </summary>
public sealed class RateBudget
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _resetMargin;

    // What the last response said about the current window.
    private bool _known;
    private int _limit;
    private int _remaining;
    private DateTimeOffset? _resetAt;
    private DateTimeOffset _passedReset = DateTimeOffset.MinValue;
    private int _inFlight;

    /// <summary>Creates an empty budget; it learns the limit from the first response.</summary>
    public RateBudget(TimeProvider time, TimeSpan resetMargin)
    {
        _time = time;
        _resetMargin = resetMargin;
    }

    /// <summary>The limit per window as last reported (0 before the first response).</summary>
    public int Limit { get { lock (_gate) return _limit; } }

    /// <summary>Requests sent and not yet answered.</summary>
    public int InFlight { get { lock (_gate) return _inFlight; } }

    /// <summary>
    /// Waits until a request may be sent and takes a slot for it. Returns how long it waited.
    /// Every successful call must be followed by <see cref="Release"/>.
    /// </summary>
    public async ValueTask<TimeSpan> AcquireAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            TimeSpan wait;
            lock (_gate)
            {
                var now = _time.GetUtcNow();
                if (_known && _resetAt is { } reset && now >= reset + _resetMargin)
                {
                    // A new window has begun: assume the full budget until a response says otherwise.
                    _remaining = _limit;
                    _passedReset = reset;
                    _resetAt = null;
                }

                if (!_known)
                {
                    // Until the first response tells us the budget, probe with one request at a time.
                    if (_inFlight == 0) { _inFlight++; return _time.GetElapsedTime(started); }
                    wait = TimeSpan.FromMilliseconds(20);
                }
                else if (_remaining - _inFlight > 0)
                {
                    _inFlight++;
                    return _time.GetElapsedTime(started);
                }
                else
                {
                    // Spent: sleep until the reset (or, with no reset known yet, until a response arrives).
                    // A little jitter keeps waiters (and other processes on the key) from all firing at the same instant.
                    wait = _resetAt is { } until
                        ? until + _resetMargin + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 150)) - now
                        : TimeSpan.FromMilliseconds(20);
                    if (wait < TimeSpan.FromMilliseconds(5)) wait = TimeSpan.FromMilliseconds(5);
                }
            }
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Gives the slot back and learns from the response's rate-limit headers, if any.</summary>
    public void Release(HttpResponseMessage? response)
    {
        lock (_gate)
        {
            if (_inFlight > 0) _inFlight--;
            if (response is null) return;

            var headers = response.Headers;
            var limit = ReadInt(headers, "X-RateLimit-Limit");
            var remaining = ReadInt(headers, "X-RateLimit-Remaining");
            var reset = ReadInt64(headers, "X-RateLimit-Reset") is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : (DateTimeOffset?)null;

            if (limit is > 0) _limit = limit.Value;
            // Late answers from a window already rolled past say nothing about the current one.
            if (remaining is { } left && reset is { } resetAt && resetAt > _passedReset)
            {
                if (_resetAt is null || resetAt > _resetAt)
                {
                    _resetAt = resetAt;
                    _remaining = left;
                }
                else if (resetAt == _resetAt)
                {
                    // Answers to concurrent requests arrive out of order: the lowest count is the latest.
                    _remaining = Math.Min(_remaining, left);
                }
                _known = _limit > 0;
            }

            if ((int)response.StatusCode == 429)
            {
                // Whatever the headers said, the window is spent; wait for its reset or Retry-After.
                _remaining = 0;
                var now = _time.GetUtcNow();
                var until = RetryAfter(response.Headers, now) ?? reset ?? now.AddSeconds(1);
                // A reset already past (whole-second header, clock skew) must not turn into a burst of 429s.
                if (until <= now) until = now.AddMilliseconds(500);
                if (_resetAt is null || until > _resetAt) _resetAt = until;
                if (_limit == 0) _limit = 1;
                _known = true;
            }
        }
    }

    private static DateTimeOffset? RetryAfter(HttpResponseHeaders headers, DateTimeOffset now) => headers.RetryAfter switch
    {
        { Delta: { } delta } => now + delta,
        { Date: { } date } => date,
        _ => null,
    };

    private static int? ReadInt(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) && int.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static long? ReadInt64(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
