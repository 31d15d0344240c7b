using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace StockPlatform.IntegrationTests.EndToEnd;

/// <summary>Every request MarketSim answered (path, query and status), seen on the server side.</summary>
internal sealed class RequestLog : IStartupFilter
{
    private readonly ConcurrentQueue<(string PathAndQuery, int Status)> _entries = new();

    public IReadOnlyList<(string PathAndQuery, int Status)> Entries => [.. _entries];

    /// <summary>
    /// The 1-minute bar requests answered 200, as sent (page tokens included): a backfill's pages
    /// (the daily bars a corporate-actions refresh asks for are not).
    /// </summary>
    public IReadOnlyList<string> BarPages => [.. _entries
        .Where(e => e.Status == 200 && e.PathAndQuery.Contains("/bars", StringComparison.Ordinal) && e.PathAndQuery.Contains("timeframe=1Min", StringComparison.Ordinal))
        .Select(e => e.PathAndQuery)];

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            await nextMiddleware(context);
            _entries.Enqueue((context.Request.Path + context.Request.QueryString, context.Response.StatusCode));
        });
        next(app);
    };
}
