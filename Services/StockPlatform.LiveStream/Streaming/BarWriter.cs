using System.Diagnostics;
using System.Threading.Channels;
using MassTransit;
using Microsoft.Extensions.Options;
using StockPlatform.Contracts;
using StockPlatform.LiveStream.Telemetry;
using StockPlatform.MarketData.Alpaca;
using StockPlatform.MarketData.Alpaca.Stream;
using StockPlatform.MarketData.Domain;
using StockPlatform.ServiceDefaults.Telemetry;
using StockPlatform.Storage.Bars;

namespace StockPlatform.LiveStream.Streaming;

/// <summary>
/// Writes stream bars in batches: one upsert (binary COPY, then insert or correct) for every
/// bar that arrived within <see cref="LiveStreamOptions.BatchWindow"/> or up to
/// <see cref="LiveStreamOptions.BatchSize"/>, so the store's cost stays per batch at stream rate
/// (the bars of every symbol arrive together at the start of each minute). Each stored bar is
/// then published as <see cref="BarReceived"/>. A failed write is retried by the store's own
/// policy; what still fails is logged and left to the gap backfill after the next reconnect.
/// </summary>
public sealed partial class BarWriter(BarStore bars, IBus bus, StreamState state, IOptions<LiveStreamOptions> options, IOptions<AlpacaOptions> alpaca, TimeProvider time, ILogger<BarWriter> logger)
{
    private readonly Channel<StreamBarReceived> _queue = Channel.CreateUnbounded<StreamBarReceived>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Queues a bar for the next batch.</summary>
    public ValueTask EnqueueAsync(StreamBarReceived bar, CancellationToken cancellationToken) => _queue.Writer.WriteAsync(bar, cancellationToken);

    /// <summary>Writes batches until <paramref name="cancellationToken"/> is cancelled, then the last one.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var batch = new List<StreamBarReceived>(settings.BatchSize);
        while (await ChannelBatches.ReadAsync(_queue.Reader, batch, settings.BatchSize, settings.BatchWindow, cancellationToken))
        {
            await WriteAsync(batch, CancellationToken.None);
            batch.Clear();
        }
    }

    private async Task WriteAsync(List<StreamBarReceived> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0) return;
        var feed = alpaca.Value.Feed;
        // Each batch starts a trace of its own (whatever span the writer's loop began under): the
        // BarReceived events published in it carry it to the feature agent.
        Activity.Current = null;
        using var span = LiveStreamTelemetry.Source.StartActivity("write batch");
        span?.SetTag(TelemetryTags.Feed, feed);
        span?.SetTag(TelemetryTags.Bars, batch.Count);
        span?.SetTag(TelemetryTags.Symbols, TelemetryTags.Listed(batch.Select(b => b.Symbol.Value).Distinct(StringComparer.Ordinal)));
        try
        {
            // A minute sent twice in one batch (a bar, then its correction) is stored as its last version.
            var latest = batch.GroupBy(b => (b.Symbol, b.Bar.Timestamp)).Select(g => g.Last()).ToList();
            var result = await bars.UpsertAsync([.. latest.Select(b => new SymbolBar(b.Symbol, b.Bar))], feed, cancellationToken);
            LiveStreamTelemetry.CountStored(result);
            LiveStreamTelemetry.RecordLag(latest, time.GetUtcNow());
            LiveStreamTelemetry.TagStored(span, result);
            state.Stored(result.Inserted, result.Corrected);
            // Every bar as the stream sent it, in order: a minute and its correction in one batch
            // are still announced as new, then corrected, though only the correction is stored.
            await bus.PublishBatch(batch.Select(b => new BarReceived(b.Symbol.Value, feed, b.Bar.Timestamp, b.Bar.Open, b.Bar.High, b.Bar.Low, b.Bar.Close,
                b.Bar.Volume, b.Bar.TradeCount, b.Bar.Vwap, b.Kind == StreamBarKind.Updated)), cancellationToken);
            LogWritten(latest.Count, result.Inserted, result.Corrected, (time.GetUtcNow() - batch[0].At).TotalMilliseconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            span.Fail(ex);
            LogWriteFailed(batch.Count, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stored {Bars} stream bars ({Inserted} new, {Corrected} corrected), {LatencyMs:0} ms after the first arrived")]
    private partial void LogWritten(int bars, int inserted, int corrected, double latencyMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store {Bars} stream bars: {Reason}; the gap backfill after the next reconnect fetches them again")]
    private partial void LogWriteFailed(int bars, string reason);
}
