using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using MassTransit;
using Microsoft.Extensions.Options;
using StockPlatform.Contracts;
using StockPlatform.LiveStream.Telemetry;
using StockPlatform.MarketData.Alpaca;
using StockPlatform.MarketData.Alpaca.Rest;
using StockPlatform.MarketData.Alpaca.Stream;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.ServiceDefaults.Telemetry;
using StockPlatform.Storage.Bars;

namespace StockPlatform.LiveStream.Streaming;

/// <summary>
/// Fills what the stream missed, to the minute. When a connection opens (or a symbol is newly
/// tracked) each symbol's last stored minute is noted; its first streamed minute then bounds the
/// hole exactly, and the minutes between (with the last ones stored before it, whose corrections
/// may have been missed) are fetched from the REST API and stored, so the stored
/// minutes end as an uninterrupted stream would have left them. Both ends come from the data,
/// never from this machine's clock. A hole longer than <see cref="MaxRestGap"/> (the agent was
/// off for days) goes to the ingestion agent as a backfill job instead, with its ledger and windows.
/// </summary>
public sealed partial class MinuteGapFiller(
    AlpacaRestClient rest,
    BarStore bars,
    GapBackfill backfill,
    IBus bus,
    StreamState state,
    IOptions<AlpacaOptions> alpaca,
    ILogger<MinuteGapFiller> logger)
{
    /// <summary>Stored minutes fetched again after a drop, for corrections the stream sent meanwhile.</summary>
    public static readonly TimeSpan CorrectionWindow = TimeSpan.FromMinutes(2);

    /// <summary>Longest hole filled here; longer ones are a backfill job's.</summary>
    public static readonly TimeSpan MaxRestGap = TimeSpan.FromDays(7);

    // Symbol -> its last stored minute when the connection opened (null: none stored yet).
    private readonly ConcurrentDictionary<string, DateTimeOffset?> _armed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, bool> _filling = new();

    /// <summary>Notes each symbol's last stored minute: its next streamed minute closes the hole after it.</summary>
    public async Task ArmAsync(IEnumerable<Symbol> symbols, CancellationToken cancellationToken)
    {
        foreach (var symbol in symbols)
            _armed[symbol.Value] = (await bars.GetSymbolAsync(symbol, cancellationToken))?.LastBar;
    }

    /// <summary>Sees a streamed bar before it is stored; the first minute of an armed symbol starts the fill of the hole before it.</summary>
    public void Observe(StreamBarReceived streamed)
    {
        if (streamed.Kind != StreamBarKind.Minute || !_armed.TryRemove(streamed.Symbol.Value, out var last)) return;
        var minute = streamed.Bar.Timestamp;
        // Nothing stored yet (a new symbol): the hole is the session so far. Otherwise from the last
        // minutes stored before the drop too: their corrections (updated bars, sent half a minute
        // later) may have gone out while no connection was open.
        var from = last is { } stored ? stored - CorrectionWindow : (NyseCalendar.GetTradingDay(NewYorkTime.DateOf(minute)) is { } day ? day.SessionOpenUtc : minute);
        var to = minute.AddMinutes(-1);
        if (to < from) return;
        var fill = Task.Run(() => FillAsync(streamed.Symbol, from, to));
        _filling[fill] = true;
        fill.ContinueWith(done => _filling.TryRemove(done, out _), TaskScheduler.Default);
    }

    /// <summary>Waits for the fills under way (at shutdown, and in tests).</summary>
    public Task DrainAsync() => Task.WhenAll(_filling.Keys);

    private async Task FillAsync(Symbol symbol, DateTimeOffset from, DateTimeOffset to)
    {
        // A trace of its own, like a written batch: the BarReceived events carry it to the feature agent.
        Activity.Current = null;
        using var span = LiveStreamTelemetry.Source.StartActivity("fill gap");
        span?.SetTag(TelemetryTags.Symbol, symbol.Value);
        span?.SetTag(TelemetryTags.From, from.ToString("O", CultureInfo.InvariantCulture));
        span?.SetTag(TelemetryTags.To, to.ToString("O", CultureInfo.InvariantCulture));
        try
        {
            if (to - from > MaxRestGap)
            {
                await backfill.RequestAsync([symbol], CancellationToken.None);
                return;
            }
            // Alpaca's end is inclusive: the minute before the first streamed one.
            var missed = await rest.GetBarsAsync(symbol, BarInterval.OneMinute, from, to, CancellationToken.None);
            if (missed.Count == 0) return;
            var feed = alpaca.Value.Feed;
            var result = await bars.UpsertAsync(symbol, feed, missed, CancellationToken.None);
            LiveStreamTelemetry.CountStored(result);
            LiveStreamTelemetry.TagStored(span, result);
            state.Stored(result.Inserted, result.Corrected);
            await bus.PublishBatch(missed.Select(b => new BarReceived(symbol.Value, feed, b.Timestamp, b.Open, b.High, b.Low, b.Close, b.Volume, b.TradeCount, b.Vwap, false)));
            LogFilled(symbol.Value, missed.Count, result.Inserted, from, to);
        }
        catch (Exception ex)
        {
            // REST gave up after its retries: the ingestion agent fetches the sessions instead.
            span.Fail(ex);
            LogFillFailed(symbol.Value, from, to, ex.Message);
            try
            {
                await backfill.RequestAsync([symbol], CancellationToken.None);
            }
            catch (Exception again)
            {
                LogFillFailed(symbol.Value, from, to, again.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Filled the stream's hole in {Symbol}: {Bars} minutes ({Inserted} new) from {From} to {To}")]
    private partial void LogFilled(string symbol, int bars, int inserted, DateTimeOffset from, DateTimeOffset to);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not fill the stream's hole in {Symbol} from {From} to {To}: {Reason}; a backfill job is asked for")]
    private partial void LogFillFailed(string symbol, DateTimeOffset from, DateTimeOffset to, string reason);
}
