using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using StockPlatform.LiveStream.Telemetry;
using StockPlatform.MarketData.Alpaca;
using StockPlatform.MarketData.Alpaca.Stream;
using StockPlatform.MarketData.Domain;
using StockPlatform.ServiceDefaults.Telemetry;
using StockPlatform.Storage.Ticks;

namespace StockPlatform.LiveStream.Streaming;

/// <summary>
/// Writes streamed trades and quotes in batches (whatever arrived within
/// <see cref="LiveStreamOptions.BatchWindow"/>, up to <see cref="LiveStreamOptions.TickBatchSize"/>),
/// one COPY per dataset and batch, so a liquid symbol's quotes cost the store per batch, not per
/// quote. Quotes of one instant are never split between two batches while more may follow: a
/// symbol's last instant waits for its next quote or the next batch (the store numbers quotes of
/// one instant within a batch). The queue is bounded (<see cref="LiveStreamOptions.TickQueueCapacity"/>):
/// while the database is away ticks beyond it are dropped and counted rather than filling memory.
/// What fails after the store's retries, or was dropped, is logged; a backfill of the day with
/// trades or quotes fetches it (the stream's own gap fill covers only disconnects).
/// </summary>
public sealed partial class TickWriter(TradeStore trades, QuoteStore quotes, StreamState state, IOptions<LiveStreamOptions> options,
    IOptions<AlpacaOptions> alpaca, ILogger<TickWriter> logger)
{
    private readonly DroppingQueue _queue = new(options.Value.TickQueueCapacity);
    private readonly Dictionary<Symbol, QuotePages> _held = [];

    /// <summary>Queues a trade for the next batch.</summary>
    public ValueTask EnqueueAsync(StreamTradeReceived trade, CancellationToken cancellationToken) => _queue.Channel.Writer.WriteAsync(trade, cancellationToken);

    /// <summary>Queues a quote for the next batch.</summary>
    public ValueTask EnqueueAsync(StreamQuoteReceived quote, CancellationToken cancellationToken) => _queue.Channel.Writer.WriteAsync(quote, cancellationToken);

    /// <summary>Writes batches until <paramref name="cancellationToken"/> is cancelled, then the last one with every held quote.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var batch = new List<AlpacaStreamEvent>(settings.TickBatchSize);
        while (await ChannelBatches.ReadAsync(_queue.Channel.Reader, batch, settings.TickBatchSize, settings.BatchWindow, cancellationToken))
        {
            await WriteAsync(batch, final: false);
            batch.Clear();
        }
        while (_queue.Channel.Reader.TryRead(out var rest)) batch.Add(rest);
        await WriteAsync(batch, final: true);
    }

    private async Task WriteAsync(List<AlpacaStreamEvent> batch, bool final)
    {
        if (_queue.TakeDropped() is var dropped and > 0) LogDropped(dropped, options.Value.TickQueueCapacity);
        var feed = alpaca.Value.Feed;
        var tradeRows = batch.OfType<StreamTradeReceived>().Select(t => new SymbolTrade(t.Symbol, t.Trade)).ToList();
        var quoteRows = TakeQuotes(batch.OfType<StreamQuoteReceived>(), final);
        if (tradeRows.Count == 0 && quoteRows.Count == 0) return;

        Activity.Current = null;
        using var span = LiveStreamTelemetry.Source.StartActivity("write ticks");
        span?.SetTag(TelemetryTags.Feed, feed);
        span?.SetTag("stockplatform.trades", tradeRows.Count);
        span?.SetTag("stockplatform.quotes", quoteRows.Count);
        try
        {
            var newTrades = tradeRows.Count > 0 ? await trades.InsertAsync(tradeRows, feed, CancellationToken.None) : 0;
            var newQuotes = quoteRows.Count > 0 ? await quotes.InsertAsync(quoteRows, feed, CancellationToken.None) : 0;
            state.StoredTicks(newTrades, newQuotes);
            LogWritten(newTrades, tradeRows.Count, newQuotes, quoteRows.Count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            span.Fail(ex);
            LogWriteFailed(tradeRows.Count, quoteRows.Count, ex.Message);
        }
    }

    // Each symbol's quotes of this batch, less its last instant (held for the next batch, where
    // more quotes of that instant may still come), plus what was held from before: a symbol with
    // no new quotes in this batch releases what it held, since its instant has passed.
    private List<SymbolQuote> TakeQuotes(IEnumerable<StreamQuoteReceived> received, bool final)
    {
        var bySymbol = received.GroupBy(q => q.Symbol).ToDictionary(g => g.Key, g => g.Select(q => q.Quote).ToList());
        var rows = new List<SymbolQuote>();
        foreach (var symbol in bySymbol.Keys.Union(_held.Keys).ToList())
        {
            if (!_held.TryGetValue(symbol, out var pages)) _held[symbol] = pages = new QuotePages();
            var ready = bySymbol.TryGetValue(symbol, out var fresh) && !final ? pages.Take(fresh) : [.. pages.Take(fresh ?? []), .. pages.Flush()];
            rows.AddRange(ready.Select(q => new SymbolQuote(symbol, q)));
            if (fresh is null || final) _held.Remove(symbol);
        }
        return rows;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stored streamed ticks: {NewTrades} of {Trades} trades and {NewQuotes} of {Quotes} quotes new")]
    private partial void LogWritten(int newTrades, int trades, int newQuotes, int quotes);

    // A bounded queue that drops what arrives when full, and counts it.
    private sealed class DroppingQueue
    {
        private long _dropped;

        public DroppingQueue(int capacity) => Channel = System.Threading.Channels.Channel.CreateBounded<AlpacaStreamEvent>(
            new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite },
            _ => Interlocked.Increment(ref _dropped));

        public Channel<AlpacaStreamEvent> Channel { get; }

        public long TakeDropped() => Interlocked.Exchange(ref _dropped, 0);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Dropped {Dropped} streamed trades and quotes: {Capacity} were waiting for the database; a backfill of the day with trades or quotes fetches them")]
    private partial void LogDropped(long dropped, int capacity);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store {Trades} streamed trades and {Quotes} quotes: {Reason}; a backfill of the day with trades or quotes fetches them")]
    private partial void LogWriteFailed(int trades, int quotes, string reason);
}
