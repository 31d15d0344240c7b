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
using StockPlatform.Storage.Tracking;

namespace StockPlatform.LiveStream.Streaming;

/// <summary>
/// Fills what the stream missed, to the minute. When a connection opens (or a symbol is newly
/// tracked) each symbol's last stored minute is noted; its first streamed minute then bounds the
/// hole exactly, and the minutes between (with the last ones stored before it, whose corrections
/// may have been missed) are fetched from the REST API and stored, so the stored
/// minutes end as an uninterrupted stream would have left them. Both ends come from the data,
/// never from this machine's clock. A hole longer than <see cref="MaxRestGap"/> (the agent was
/// off for days) goes to the ingestion agent as a backfill job instead, with its ledger and windows.
/// Every pending fill is also a row of <c>live_refills</c> (<see cref="LiveRefillStore"/>), recorded
/// before any minute after the hole is stored and deleted once the hole's are: an agent killed
/// mid-fill leaves it to the next leader, which fills from the earliest pending row, not from the
/// newest stored minute (which the stream has already moved past the hole).
/// </summary>
public sealed partial class MinuteGapFiller(
    AlpacaRestClient rest,
    BarStore bars,
    LiveRefillStore refills,
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

    // Symbol -> where its hole starts (null: the session's open) and the live_refills rows its fill covers.
    private readonly ConcurrentDictionary<string, Armed> _armed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, bool> _filling = new();
    private readonly CancellationTokenSource _stopping = new();

    // Longest wait between two attempts to fetch a refused batch's minutes again.
    private static readonly TimeSpan MaxRefillWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Notes where each symbol's hole starts: its last stored minute (less the correction window),
    /// or a pending refill's start when one is earlier (an agent killed mid-fill left it). While
    /// streaming, the start is recorded in <c>live_refills</c> before this returns, so before any
    /// minute of the new connection is stored. A standby instance (a tracking message heard by
    /// every instance) records nothing: it fills nothing until it leads, and then arms again.
    /// </summary>
    public async Task ArmAsync(IEnumerable<Symbol> symbols, CancellationToken cancellationToken)
    {
        foreach (var symbol in symbols)
        {
            // Nothing stored yet (a new symbol): the hole is the session so far. Otherwise from the last
            // minutes stored before the drop too: their corrections (updated bars, sent half a minute
            // later) may have gone out while no connection was open.
            var from = (await bars.GetSymbolAsync(symbol, cancellationToken))?.LastBar is { } stored ? stored - CorrectionWindow : (DateTimeOffset?)null;
            if (state.Connection == "standby")
            {
                _armed[symbol.Value] = new Armed(from, []);
                continue;
            }
            var pending = await refills.RecordAsync(symbol.Value, from, null, cancellationToken);
            if (pending.Count > 1) LogPendingFound(symbol.Value, pending.Count - 1, Earliest(pending, from));
            _armed[symbol.Value] = new Armed(Earliest(pending, from), [.. pending.Select(r => r.Id)]);
        }
    }

    // The earliest start among the pending refills and this hole's own; null (the session's open) wins.
    private static DateTimeOffset? Earliest(IReadOnlyList<LiveRefill> pending, DateTimeOffset? from)
    {
        if (from is null || pending.Any(r => r.From is null)) return null;
        return pending.Select(r => r.From!.Value).Append(from.Value).Min();
    }

    /// <summary>Sees a streamed bar before it is stored; the first minute of an armed symbol starts the fill of the hole before it.</summary>
    public void Observe(StreamBarReceived streamed)
    {
        if (streamed.Kind != StreamBarKind.Minute || !_armed.TryRemove(streamed.Symbol.Value, out var armed)) return;
        var minute = streamed.Bar.Timestamp;
        var from = armed.From ?? (NyseCalendar.GetTradingDay(NewYorkTime.DateOf(minute)) is { } day ? day.SessionOpenUtc : minute);
        var to = minute.AddMinutes(-1);
        if (to < from)
        {
            Track(Task.Run(() => ClearAsync(streamed.Symbol, armed.Refills)));
            return;
        }
        Track(Task.Run(() => FillAsync(streamed.Symbol, from, to, armed.Refills)));
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

    private async Task FillAsync(Symbol symbol, DateTimeOffset from, DateTimeOffset to, long[] recorded)
    {
        try
        {
            if (to - from > MaxRestGap)
            {
                await backfill.RequestAsync([symbol], CancellationToken.None);
            }
            else
            {
                await FetchAsync(symbol, from, to);
            }
        }
        catch (Exception ex)
        {
            // REST (or the store) gave up after its retries: the ingestion agent fetches the sessions instead.
            LogFillFailed(symbol.Value, from, to, ex.Message);
            if (!await AskBackfillAsync(symbol, from, to)) return;
        }
        await ClearAsync(symbol, recorded);
    }

    private async Task RefillAsync(Symbol symbol, DateTimeOffset from, DateTimeOffset to)
    {
        var wait = TimeSpan.FromSeconds(1);
        long? recorded = null;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // Recorded first: later batches move the last stored minute past these, so a
                // restart would not look for them otherwise. The store may be what refused the
                // batch: then each attempt tries again.
                recorded ??= (await refills.RecordAsync(symbol.Value, from, to, CancellationToken.None)).FirstOrDefault()?.Id ?? 0;
            }
            catch (Exception ex)
            {
                LogRefillNotRecorded(symbol.Value, from, to, ex.Message);
            }
            try
            {
                await FetchAsync(symbol, from, to);
                await ClearAsync(symbol, recorded is > 0 ? [recorded.Value] : []);
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
        if (await AskBackfillAsync(symbol, from, to)) await ClearAsync(symbol, recorded is > 0 ? [recorded.Value] : []);
    }

    // Deletes the rows a stored fill covered. Failing, they stay: the next leader fetches their
    // minutes once more, which stores nothing new.
    private async Task ClearAsync(Symbol symbol, long[] recorded)
    {
        if (recorded.Length == 0) return;
        try
        {
            await refills.ClearAsync(recorded, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogClearFailed(symbol.Value, ex.Message);
        }
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

    // True once a backfill job (which outlives this process) has the minutes.
    private async Task<bool> AskBackfillAsync(Symbol symbol, DateTimeOffset from, DateTimeOffset to)
    {
        try
        {
            await backfill.RequestAsync([symbol], NewYorkTime.DateOf(from), CancellationToken.None);
            LogHandedToBackfill(symbol.Value, from, to);
            return true;
        }
        catch (Exception ex)
        {
            // Nowhere left to hand them: said as loudly as the log allows, with what to fetch again
            // (their live_refills row, when it could be recorded, has the next leader fetch them).
            LogLost(symbol.Value, from, to, ex.Message);
            return false;
        }
    }

    private sealed record Armed(DateTimeOffset? From, long[] Refills);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Symbol} has {Pending} refills pending (a fill under way, or an agent stopped before storing it): its hole is filled from {From}")]
    private partial void LogPendingFound(string symbol, int pending, DateTimeOffset? from);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the refill of {Symbol} from {From} to {To}: {Reason}; tried again with the next attempt")]
    private partial void LogRefillNotRecorded(string symbol, DateTimeOffset from, DateTimeOffset to, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not clear the stored refills of {Symbol}: {Reason}; the next leader fetches them again")]
    private partial void LogClearFailed(string symbol, string reason);

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
