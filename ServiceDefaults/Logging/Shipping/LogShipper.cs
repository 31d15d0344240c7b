using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StockPlatform.ServiceDefaults.Logging.Shipping;

/// <summary>
/// Writes the <see cref="LogBacklog"/> to the log store in batches: when a batch is full, or a
/// <see cref="LogShippingOptions.FlushInterval"/> after its first record. A failed write keeps its
/// batch and is tried again with capped exponential back-off while the backlog fills up to its
/// bound; the first failure is logged once, and the recovery once, with the records dropped
/// meanwhile. A clean shutdown writes what is still queued, for at most
/// <see cref="LogShippingOptions.ShutdownTimeout"/>.
/// </summary>
internal sealed partial class LogShipper(
    LogBacklog backlog, ILogBatchWriter writer, IOptions<LogShippingOptions> options, TimeProvider time, ILogger<LogShipper> logger) : BackgroundService
{
    // Set on the shipper's own flow while it writes, so the database client's logs about those
    // writes are not shipped in turn (and cannot keep a failing store busy forever).
    private static readonly AsyncLocal<bool> Writing = new();

    // Drops are reported after a recovery, else at most this often.
    private static readonly TimeSpan DropReportInterval = TimeSpan.FromMinutes(1);

    private readonly LogShippingOptions _options = options.Value;
    private List<LogRecord> _batch = [];
    private int _failures;
    private DateTimeOffset _failingSince;
    private long _droppedReported;
    private DateTimeOffset _droppedReportedAt;
    private volatile bool _executed;

    /// <summary>True on the flow of a write to the store: what is logged there is not shipped.</summary>
    public static bool IsWriting => Writing.Value;

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        // A host stopped right after starting may cancel ExecuteAsync before it ever ran: drain here then.
        if (!_executed) await DrainAsync().ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _executed = true;
        try
        {
            while (true)
            {
                if (_batch.Count == 0) await FillAsync(stoppingToken).ConfigureAwait(false);
                if (_batch.Count == 0 || await TryWriteAsync(_options.WriteTimeout, stoppingToken).ConfigureAwait(false)) continue;
                await Task.Delay(Backoff(_failures), time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping (a write cut short may surface as its client's own error): what is queued is written below.
        }
        await DrainAsync().ConfigureAwait(false);
    }

    /// <summary>Fills the batch: waits for a first record, then for more until the batch is full or the flush interval has passed.</summary>
    private async Task FillAsync(CancellationToken cancellationToken)
    {
        var reader = backlog.Reader;
        if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false)) return;
        var deadline = time.GetUtcNow() + _options.FlushInterval;
        while (true)
        {
            while (_batch.Count < _options.BatchSize && reader.TryRead(out var record)) _batch.Add(record);
            var left = deadline - time.GetUtcNow();
            if (_batch.Count >= _options.BatchSize || left <= TimeSpan.Zero) return;
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(left);
            try
            {
                if (!await reader.WaitToReadAsync(wait.Token).ConfigureAwait(false)) return;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Writes the batch once; true when it was written. A failure keeps the batch for the next attempt.</summary>
    private async Task<bool> TryWriteAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var batch = _batch;
        try
        {
            await WriteAsync(batch, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            if (_failures++ == 0)
            {
                _failingSince = time.GetUtcNow();
                LogFailing(ex.Message, backlog.Capacity);
            }
            return false;
        }

        backlog.Shipped?.Add(batch.Count);
        // A new list: a write that timed out may still be reading the old one.
        _batch = new List<LogRecord>(Math.Min(_options.BatchSize, 1024));
        var now = time.GetUtcNow();
        var dropped = backlog.Dropped;
        if (_failures > 0)
        {
            LogRecovered((now - _failingSince).TotalSeconds, _failures, dropped - _droppedReported, backlog.Capacity);
            _failures = 0;
            (_droppedReported, _droppedReportedAt) = (dropped, now);
        }
        else if (dropped > _droppedReported && now - _droppedReportedAt >= DropReportInterval)
        {
            LogDropped(dropped - _droppedReported, backlog.Capacity);
            (_droppedReported, _droppedReportedAt) = (dropped, now);
        }
        return true;
    }

    // Its own async method, so the flag it sets is this flow's alone and gone when it returns.
    private async Task WriteAsync(List<LogRecord> batch, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Writing.Value = true;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        // WaitAsync too: a writer that ignores its token must not hold the shipper (or a shutdown) forever.
        await writer.WriteAsync(batch, limit.Token).WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>On a clean shutdown: writes what is queued, until done or out of time, then says what is left.</summary>
    private async Task DrainAsync()
    {
        var deadline = time.GetUtcNow() + _options.ShutdownTimeout;
        while (true)
        {
            while (_batch.Count < _options.BatchSize && backlog.Reader.TryRead(out var record)) _batch.Add(record);
            var left = deadline - time.GetUtcNow();
            if (_batch.Count == 0 || left <= TimeSpan.Zero) break;
            if (await TryWriteAsync(left < _options.WriteTimeout ? left : _options.WriteTimeout, CancellationToken.None).ConfigureAwait(false)) continue;
            var pause = Backoff(_failures);
            left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero) break;
            await Task.Delay(pause < left ? pause : left, time).ConfigureAwait(false);
        }
        backlog.Complete();
        var unshipped = _batch.Count + backlog.Count;
        if (unshipped > 0) LogUnshipped(unshipped, _options.ShutdownTimeout.TotalSeconds);
    }

    /// <summary>The wait before the next attempt after <paramref name="failures"/> failures: doubling, capped, with ±20% jitter.</summary>
    internal TimeSpan Backoff(int failures)
    {
        var doubled = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Clamp(failures - 1, 0, 30));
        var capped = Math.Min(doubled, _options.RetryMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shipping logs to the log store failed ({Reason}); retrying with back-off while up to {Capacity} records wait (the oldest are dropped beyond that)")]
    private partial void LogFailing(string reason, int capacity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shipping logs to the log store works again after {OutageSeconds:0.#} s and {Attempts} failed attempts; {Dropped} records were dropped meanwhile (the backlog holds {Capacity})")]
    private partial void LogRecovered(double outageSeconds, int attempts, long dropped, int capacity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Dropped} log records were dropped: more were logged than the log store took (the backlog holds {Capacity})")]
    private partial void LogDropped(long dropped, int capacity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Unshipped} log records were not shipped at shutdown (not written within {TimeoutSeconds:0.#} s); the console has them")]
    private partial void LogUnshipped(int unshipped, double timeoutSeconds);
}
