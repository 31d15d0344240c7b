using Microsoft.Extensions.Options;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketSim.Clock;
using StockPlatform.MarketSim.Data;
using StockPlatform.MarketSim.Options;

namespace StockPlatform.MarketSim.Streaming;

/// <summary>
/// The one loop that drives every stream connection on the simulated clock. Right after each
/// minute mark it sends the minute that just ended (<c>b</c>, preliminary for corrected minutes)
/// and, in the regular session, the day so far (<c>d</c>); right after each half-minute mark it
/// sends the final version (<c>u</c>) of the corrected bars of the minute before, as Alpaca
/// sends updated bars at :30 for late trades.
/// </summary>
internal sealed partial class StreamTicker(
    SimulatedClock clock, SyntheticMarket market, StreamHub hub, IOptions<MarketSimOptions> options, TimeProvider time, ILogger<StreamTicker> logger)
    : BackgroundService
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    // Further behind than this (real time), the ticker skips ahead rather than replaying a flood.
    private static readonly TimeSpan MaxLag = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var last = clock.Now;
        while (!stoppingToken.IsCancellationRequested)
        {
            var mark = NextMark(last);
            var delay = clock.RealDelayUntil(mark);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
                if (clock.Now < mark) continue;
            }

            var lag = (clock.Now - mark) / clock.Speed;
            if (lag > MaxLag)
            {
                LogSkipped(logger, mark, clock.Now);
                last = clock.Now;
                continue;
            }

            try
            {
                Emit(mark);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogEmitFailed(logger, ex, mark);
            }
            last = mark;
        }
    }

    /// <summary>The first minute or half-minute mark strictly after <paramref name="instant"/>.</summary>
    internal static DateTimeOffset NextMark(DateTimeOffset instant)
    {
        var ticks = instant.UtcTicks - (instant.UtcTicks % Step.Ticks) + Step.Ticks;
        return new DateTimeOffset(ticks, TimeSpan.Zero);
    }

    internal void Emit(DateTimeOffset mark)
    {
        var sessions = hub.Active;
        if (sessions.Length == 0) return;
        var minuteMark = mark.UtcTicks % TimeSpan.TicksPerMinute == 0;
        var minute = minuteMark ? mark.AddMinutes(-1) : mark.AddSeconds(-90);
        var date = MarketData.Calendar.NewYorkTime.DateOf(minute);
        if (MarketCalendar.Get(date) is not { } times || !times.IsExtendedMinute(minute)) return;

        var universe = options.Value.LiquidSymbols;
        foreach (var session in sessions)
        {
            var subscriptions = session.Subscriptions;
            if (minuteMark)
            {
                var bars = Collect(subscriptions.Resolve("bars", universe), session.DataFeed, date, s =>
                    s.TryGetPreliminary(minute, out var early) ? early : s.TryGetBar(minute, out var bar) ? bar : null);
                if (bars.Count > 0) session.Send(StreamFrames.Bars("b", bars));

                if (times.IsRegularMinute(minute))
                {
                    var daily = Collect(subscriptions.Resolve("dailyBars", universe), session.DataFeed, date, s => s.RegularAggregate(mark));
                    if (daily.Count > 0) session.Send(StreamFrames.Bars("d", daily));
                }
            }
            else
            {
                var updates = Collect(subscriptions.Resolve("updatedBars", universe), session.DataFeed, date, s =>
                    s.TryGetPreliminary(minute, out _) && s.TryGetBar(minute, out var bar) ? bar : null);
                if (updates.Count > 0) session.Send(StreamFrames.Bars("u", updates));
            }
        }
    }

    private List<(string Symbol, Bar Bar)> Collect(IEnumerable<string> symbols, string feed, DateOnly date, Func<SessionBars, Bar?> pick)
    {
        var result = new List<(string, Bar)>();
        foreach (var name in symbols.Order(StringComparer.Ordinal))
        {
            if (options.Value.InvalidSymbols.Contains(name, StringComparer.Ordinal) || !Symbol.TryParse(name, out var symbol)) continue;
            if (market.GetSession(symbol, feed, date) is { } session && pick(session) is { } bar) result.Add((name, bar));
        }
        return result;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream ticker fell behind at {Mark}; skipping to {Now}")]
    private static partial void LogSkipped(ILogger logger, DateTimeOffset mark, DateTimeOffset now);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stream ticker failed to emit the mark {Mark}")]
    private static partial void LogEmitFailed(ILogger logger, Exception exception, DateTimeOffset mark);
}
