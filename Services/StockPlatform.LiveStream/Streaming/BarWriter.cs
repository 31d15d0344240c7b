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
/// then published as <see cref="BarReceived"/>. A bar that cannot exist is left out (logged and
/// counted) so it cannot sink the batch; a write that still fails after the store's own retries
/// hands its minutes, per symbol, to <see cref="MinuteGapFiller.Refill"/>: later batches move
/// each symbol's last stored minute past them, so no reconnect would ever look for them again.
/// </summary>
public sealed partial class BarWriter(BarStore bars, IBus bus, MinuteGapFiller gaps, StreamState state, IOptions<LiveStreamOptions> options, IOptions<AlpacaOptions> alpaca, TimeProvider time, ILogger<BarWriter> logger)
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

    private async Task WriteAsync(List<StreamBarReceived> received, CancellationToken cancellationToken)
    {
        var batch = WithoutInvalid(received);
        if (batch.Count == 0) return;
        var feed = alpaca.Value.Feed;
        // Each batch starts a trace of its own (whatever span the writer's loop began under): the
        // BarReceived events published in it carry it to the feature agent.
        Activity.Current = null;
        using var span = LiveStreamTelemetry.Source.StartActivity("write batch");
        span?.SetTag(TelemetryTags.Feed, feed);
        span?.SetTag(TelemetryTags.Bars, batch.Count);
        span?.SetTag(TelemetryTags.Symbols, TelemetryTags.Listed(batch.Select(b => b.Symbol.Value).Distinct(StringComparer.Ordinal)));
        // A minute sent twice in one batch (a bar, then its correction) is stored as its last version.
        var latest = batch.GroupBy(b => (b.Symbol, b.Bar.Timestamp)).Select(g => g.Last()).ToList();
        UpsertResult result;
        try
        {
            result = await bars.UpsertAsync([.. latest.Select(b => new SymbolBar(b.Symbol, b.Bar))], feed, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            span.Fail(ex);
            state.LostBatch();
            LogWriteFailed(batch.Count, ex.Message);
            foreach (var symbol in latest.GroupBy(b => b.Symbol))
                gaps.Refill(symbol.Key, symbol.Min(b => b.Bar.Timestamp), symbol.Max(b => b.Bar.Timestamp));
            return;
        }
        LiveStreamTelemetry.CountStored(result);
        LiveStreamTelemetry.RecordLag(latest, time.GetUtcNow());
        LiveStreamTelemetry.TagStored(span, result);
        state.Stored(result.Inserted, result.Corrected);
        try
        {
            // Every bar as the stream sent it, in order: a minute and its correction in one batch
            // are still announced as new, then corrected, though only the correction is stored.
            await bus.PublishBatch(batch.Select(b => new BarReceived(b.Symbol.Value, feed, b.Bar.Timestamp, b.Bar.Open, b.Bar.High, b.Bar.Low, b.Bar.Close,
                b.Bar.Volume, b.Bar.TradeCount, b.Bar.Vwap, b.Kind == StreamBarKind.Updated)), cancellationToken);
            LogWritten(latest.Count, result.Inserted, result.Corrected, (time.GetUtcNow() - batch[0].At).TotalMilliseconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Stored all the same: fetching the minutes again would not bring the announcement back.
            span.Fail(ex);
            LogPublishFailed(batch.Count, ex.Message);
        }
    }

    // One bar that cannot exist (a high below its low, say) would make the store refuse the whole
    // batch, every symbol's minutes with it: it is left out alone, logged and counted.
    private List<StreamBarReceived> WithoutInvalid(List<StreamBarReceived> batch)
    {
        List<StreamBarReceived>? valid = null;
        for (var i = 0; i < batch.Count; i++)
        {
            if (BarStore.ProblemOf(batch[i].Bar) is { } problem)
            {
                valid ??= batch[..i];
                state.RejectedBars(1);
                LiveStreamTelemetry.CountRejected(1);
                LogInvalidBar(batch[i].Symbol.Value, batch[i].Bar.Timestamp, batch[i].Kind, problem);
            }
            else
            {
                valid?.Add(batch[i]);
            }
        }
        return valid ?? batch;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stored {Bars} stream bars ({Inserted} new, {Corrected} corrected), {LatencyMs:0} ms after the first arrived")]
    private partial void LogWritten(int bars, int inserted, int corrected, double latencyMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store {Bars} stream bars: {Reason}; their minutes are fetched again over REST")]
    private partial void LogWriteFailed(int bars, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not announce {Bars} stored stream bars: {Reason}")]
    private partial void LogPublishFailed(int bars, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped an invalid stream bar of {Symbol} at {Timestamp} ({Kind}): {Problem}")]
    private partial void LogInvalidBar(string symbol, DateTimeOffset timestamp, StreamBarKind kind, string problem);
}
