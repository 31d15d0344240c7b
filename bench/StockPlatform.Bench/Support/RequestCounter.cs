using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace StockPlatform.Bench.Support;

/// <summary>
/// Counts the requests a MarketSim instance answers, by path kind and status, on the server side:
/// what a child process spent of the rate budget, whatever it logs.
/// </summary>
internal sealed class RequestCounter : IStartupFilter
{
    private readonly ConcurrentDictionary<(string Kind, int Status), int> _counts = new();
    private long _firstAt;

    /// <summary>When the first request arrived (<see cref="Stopwatch.GetTimestamp"/>), 0 before any.</summary>
    public long FirstAt => Interlocked.Read(ref _firstAt);

    /// <summary>The wall-clock time of the first request: MarketSim's first rate-limit window starts then and ends on a whole second.</summary>
    public DateTimeOffset FirstUtc { get; private set; }

    public int Count(string? kind = null, int? status = null) =>
        _counts.Where(pair => (kind is null || pair.Key.Kind == kind) && (status is null || pair.Key.Status == status)).Sum(pair => pair.Value);

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            if (Interlocked.CompareExchange(ref _firstAt, Stopwatch.GetTimestamp(), 0) == 0) FirstUtc = DateTimeOffset.UtcNow;
            await nextMiddleware(context);
            _counts.AddOrUpdate((KindOf(context.Request.Path), context.Response.StatusCode), 1, (_, count) => count + 1);
        });
        next(app);
    };

    private static string KindOf(PathString path) =>
        path.Value is { } value && value.Contains("/bars", StringComparison.Ordinal) ? "bars"
        : path.Value is { } calendar && calendar.Contains("/calendar", StringComparison.Ordinal) ? "calendar"
        : "other";
}
