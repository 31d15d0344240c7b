using Microsoft.Extensions.Options;
using StockPlatform.Gateway.Apis;
using StockPlatform.Gateway.Extensions;
using StockPlatform.Storage.Logs;

namespace StockPlatform.Gateway.Events;

/// <summary>
/// Follows the log store and appends each new record to the <see cref="EventFeed"/> as a
/// <c>log</c> event (its data the record as <c>GET /logs</c> shows it, its symbols the record's
/// symbol), so <c>GET /events?kind=log</c> is a live tail of every service's logs. It starts
/// after the newest record at start-up: history is <c>GET /logs</c>'s. It logs only when it
/// starts failing and when it recovers, never per poll (its own logs are tailed too).
/// </summary>
internal sealed partial class LogTail(LogStore store, EventFeed feed, IOptions<LogTailOptions> options, TimeProvider time, ILogger<LogTail> logger)
    : BackgroundService
{
    private readonly LogTailOptions _options = options.Value;
    private readonly LogTailCursor _cursor = new(options.Value.Grace);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled) return;
        using var timer = new PeriodicTimer(_options.Interval, time);
        var started = false;
        var failing = false;
        try
        {
            do
            {
                try
                {
                    if (!started)
                    {
                        _cursor.Start(await store.LatestIdAsync(stoppingToken));
                        started = true;
                    }
                    await PollAsync(stoppingToken);
                    if (failing) LogRecovered();
                    failing = false;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    if (!failing) LogFailing(ex.Message);
                    failing = true;
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var rows = await store.AfterIdAsync(_cursor.Settled, _options.BatchSize, cancellationToken);
            var now = time.GetUtcNow();
            foreach (var row in rows.Where(row => _cursor.TryAccept(row.Id, now)))
                feed.Append("log", row.Symbol is { } symbol ? [symbol] : [], LogsApi.ToResponse(row), row.Timestamp);
            // A full read may have more behind it; a read that moved nothing (rows held above a gap) waits for the next tick.
            if (!_cursor.Settle(now) || rows.Count < _options.BatchSize) return;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The live log tail cannot read the log store ({Reason}); it keeps trying, and says when it can again")]
    private partial void LogFailing(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The live log tail reads the log store again")]
    private partial void LogRecovered();
}
