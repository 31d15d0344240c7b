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
    IOptions<LiveStreamOptions> options,
    TimeProvider time,
    ILogger<MinuteGapFiller> logger)
{
    /// <summary>Stored minutes fetched again after a drop, for corrections the stream sent meanwhile.</summary>
    public static readonly TimeSpan CorrectionWindow = TimeSpan.FromMinutes(2);

    /// <summary>Longest hole filled here; longer ones are a backfill job's.</summary>
    public static readonly TimeSpan MaxRestGap = TimeSpan.FromDays(7);

    // Symbol -> its last stored minute when the connection opened (null: none stored yet).
    private readonly ConcurrentDictionary<string, DateTimeOffset?> _armed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, bool> _filling = new();
    private readonly CancellationTokenSource _stopping = new();

    // Longest wait between two attempts to fetch a refused batch's minutes again.
    private static readonly TimeSpan MaxRefillWait = TimeSpan.FromSeconds(30);

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
        Track(Task.Run(() => FillAsync(streamed.Symbol, from, to)));
    }

    /// <summary>
    /// Fetches again, over REST, the minutes <paramref name="from"/> to <paramref name="to"/>
    /// (inclusive) of a batch the store refused. Later batches move the symbol's last stored
    /// minute past them, so no reconnect would ever look for them: they are retried here
    /// (<see cref="LiveStreamOptions.RefillAttempts"/>, waits growing to half a minute), then, or
    /// at shutdown, handed to the ingestion agent as a backfill job (which outlives this process).
    /// </summary>
    public void Refill(Symbol symbol, DateTimeOffset from, DateTimeOffset to) => Track(Task.Run(() => RefillAsync(symbol, from, to)));

    /// <summary>Waits for the fills under way (at shutdown, and in tests); refills still waiting to retry are handed to a backfill job at once.</summary>
    public async Task DrainAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_filling.Keys);
    }

    private void Track(Task fill)
    {
        _filling[fill] = true;
        fill.ContinueWith(done => _filling.TryRemove(done, out _), TaskScheduler.Default);
    }

    private async Task FillAsync(Symbol symbol, DateTimeOffset from, DateTimeOffset to)
    {
        try
        {
            if (to - from > MaxRestGap)
            {
                await backfill.RequestAsync([symbol], CancellationToken.None);
                return;
            }
            await FetchAsync(symbol, from, to);
        }
        catch (Exception ex)
        {
            // REST (or the store) gave up after its retries: the ingestion agent fetches the sessions instead.
            LogFillFailed(symbol.Value, from, to, ex.Message);
            await AskBackfillAsync(symbol, from, to);
        }
    }

    private async Task RefillAsync(Symbol symbol, DateTimeOffset from, DateTimeOffset to)
    {
        var wait = TimeSpan.FromSeconds(1);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await FetchAsync(symbol, from, to);
                return;
            }
            catch (Exception ex)
            {
                LogRefillFailed(symbol.Value, from, to, attempt, ex.Message);
                if (attempt >= options.Value.RefillAttempts || _stopping.IsCancellationRequested) break;
            }
            try
            {
                await Task.Delay(wait, time, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, MaxRefillWait.Ticks));
        }
        await AskBackfillAsync(symbol, from, to);
    }

    // Fetches the minutes over REST and stores them (one "fill gap" trace); throws when either fails.
    private async Task FetchAsync(Symbol symbol, DateTimeOffset from, DateTimeOffset to)
    {
        // A trace of its own, like a written batch: the BarReceived events carry it to the feature agent.
        Activity.Current = null;
        using var span = LiveStreamTelemetry.Source.StartActivity("fill gap");
        span?.SetTag(TelemetryTags.Symbol, symbol.Value);
        span?.SetTag(TelemetryTags.From, from.ToString("O", CultureInfo.InvariantCulture));
        span?.SetTag(TelemetryTags.To, to.ToString("O", CultureInfo.InvariantCulture));
        try
        {
            // Alpaca's end is inclusive: the minute before the first streamed one, or a lost batch's last.
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
            span.Fail(ex);
            throw;
        }
    }

    private async Task AskBackfillAsync(Symbol symbol, DateTimeOffset from, DateTimeOffset to)
    {
        try
        {
            await backfill.RequestAsync([symbol], NewYorkTime.DateOf(from), CancellationToken.None);
            LogHandedToBackfill(symbol.Value, from, to);
        }
        catch (Exception ex)
        {
            // Nowhere left to hand them: said as loudly as the log allows, with what to fetch again.
            LogLost(symbol.Value, from, to, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Filled the stream's hole in {Symbol}: {Bars} minutes ({Inserted} new) from {From} to {To}")]
    private partial void LogFilled(string symbol, int bars, int inserted, DateTimeOffset from, DateTimeOffset to);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not fill the stream's hole in {Symbol} from {From} to {To}: {Reason}; a backfill job is asked for")]
    private partial void LogFillFailed(string symbol, DateTimeOffset from, DateTimeOffset to, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not fetch again the minutes of {Symbol} from {From} to {To} that the store refused (attempt {Attempt}): {Reason}")]
    private partial void LogRefillFailed(string symbol, DateTimeOffset from, DateTimeOffset to, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The minutes of {Symbol} from {From} to {To} are handed to a backfill job")]
    private partial void LogHandedToBackfill(string symbol, DateTimeOffset from, DateTimeOffset to);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The minutes of {Symbol} from {From} to {To} are not stored and no backfill job could be asked for ({Reason}): run one for that day")]
    private partial void LogLost(string symbol, DateTimeOffset from, DateTimeOffset to, string reason);
}
