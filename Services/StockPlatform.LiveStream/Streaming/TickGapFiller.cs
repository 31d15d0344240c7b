using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using StockPlatform.LiveStream.Telemetry;
using StockPlatform.MarketData.Alpaca;
using StockPlatform.MarketData.Alpaca.Rest;
using StockPlatform.MarketData.Alpaca.Stream;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.ServiceDefaults.Telemetry;
using StockPlatform.Storage.Ticks;

namespace StockPlatform.LiveStream.Streaming;

/// <summary>
/// Fills the trades and quotes the stream missed, as <see cref="MinuteGapFiller"/> fills minutes.
/// When a connection opens (or a symbol starts streaming its ticks) each (symbol, dataset) is
/// armed; its first streamed tick then bounds the hole: everything after the last stored tick
/// before it (the session's open when none is stored that day) up to just before it is fetched
/// from the REST API, page by page, and stored. Both ends come from the data, never from this
/// machine's clock; rows already stored are not written twice.
/// </summary>
public sealed partial class TickGapFiller(
    AlpacaRestClient rest,
    TradeStore trades,
    QuoteStore quotes,
    StreamState state,
    IOptions<AlpacaOptions> alpaca,
    ILogger<TickGapFiller> logger)
{
    private readonly ConcurrentDictionary<(string Symbol, bool Quotes), bool> _armed = new();
    private readonly ConcurrentDictionary<Task, bool> _filling = new();

    /// <summary>Arms the symbols' trades and quotes: the next streamed tick of each closes the hole before it.</summary>
    public void Arm(IEnumerable<string> tradeSymbols, IEnumerable<string> quoteSymbols)
    {
        foreach (var symbol in tradeSymbols) _armed[(symbol, false)] = true;
        foreach (var symbol in quoteSymbols) _armed[(symbol, true)] = true;
    }

    /// <summary>Sees a streamed trade before it is stored; the first of an armed symbol starts the fill before it.</summary>
    public void Observe(StreamTradeReceived streamed) => Observe(streamed.Symbol, quotes: false, streamed.Trade.Time);

    /// <summary>Sees a streamed quote before it is stored; the first of an armed symbol starts the fill before it.</summary>
    public void Observe(StreamQuoteReceived streamed) => Observe(streamed.Symbol, quotes: true, streamed.Quote.Time);

    /// <summary>Waits for the fills under way (at shutdown, and in tests).</summary>
    public Task DrainAsync() => Task.WhenAll(_filling.Keys);

    private void Observe(Symbol symbol, bool quotes, NanoTime first)
    {
        if (!_armed.TryRemove((symbol.Value, quotes), out _)) return;
        var fill = Task.Run(() => FillAsync(symbol, quotes, first));
        _filling[fill] = true;
        fill.ContinueWith(done => _filling.TryRemove(done, out _), TaskScheduler.Default);
    }

    private async Task FillAsync(Symbol symbol, bool isQuotes, NanoTime first)
    {
        Activity.Current = null;
        using var span = LiveStreamTelemetry.Source.StartActivity("fill tick gap");
        span?.SetTag(TelemetryTags.Symbol, symbol.Value);
        span?.SetTag(TelemetryTags.Dataset, isQuotes ? "quotes" : "trades");
        var dataset = isQuotes ? "quotes" : "trades";
        try
        {
            // The hole starts at the last tick stored before the first streamed one, on that
            // session's day (its instant is fetched again: quotes of one instant are written whole).
            var day = NyseCalendar.GetTradingDay(NewYorkTime.DateOf(first.Microsecond));
            var open = day?.SessionOpenUtc ?? first.Microsecond.AddHours(-1);
            var before = first.Microsecond.AddTicks(-10);
            var from = isQuotes
                ? (await quotes.ReadAsync(symbol, open, before, 1, descending: true, cancellationToken: CancellationToken.None)).FirstOrDefault()?.Quote.Time
                : (await trades.ReadAsync(symbol, open, before, 1, descending: true, cancellationToken: CancellationToken.None)).FirstOrDefault()?.Time;
            var start = from ?? NanoTime.From(open);
            var end = new NanoTime(first.UnixNanoseconds - 1);
            if (end < start) return;

            var feed = alpaca.Value.Feed;
            var stored = 0;
            if (isQuotes)
            {
                var held = new QuotePages();
                await foreach (var page in rest.GetQuotePagesAsync(QuotesRequest.For(symbol, start, end), CancellationToken.None))
                    stored += await quotes.InsertAsync(symbol, feed, held.Take([.. page.Quotes.Select(q => q.Quote)]), CancellationToken.None);
                stored += await quotes.InsertAsync(symbol, feed, held.Flush(), CancellationToken.None);
                state.StoredTicks(0, stored);
            }
            else
            {
                await foreach (var page in rest.GetTradePagesAsync(TradesRequest.For(symbol, start, end), CancellationToken.None))
                    stored += await trades.InsertAsync(page.Trades, feed, CancellationToken.None);
                state.StoredTicks(stored, 0);
            }
            LogFilled(symbol.Value, dataset, stored, start, end);
        }
        catch (Exception ex)
        {
            // REST gave up after its retries; the next reconnect arms the fill again, and a
            // backfill of the day with this dataset fetches it whole.
            span.Fail(ex);
            LogFillFailed(symbol.Value, dataset, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Filled the stream's hole in {Symbol} {Dataset}: {Stored} new from {From} to {To}")]
    private partial void LogFilled(string symbol, string dataset, int stored, NanoTime from, NanoTime to);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not fill the stream's hole in {Symbol} {Dataset}: {Reason}; a backfill of the day with that dataset fetches it")]
    private partial void LogFillFailed(string symbol, string dataset, string reason);
}
