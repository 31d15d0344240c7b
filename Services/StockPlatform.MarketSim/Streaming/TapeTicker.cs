using Microsoft.Extensions.Options;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketSim.Clock;
using StockPlatform.MarketSim.Data;
using StockPlatform.MarketSim.Options;

namespace StockPlatform.MarketSim.Streaming;

/// <summary>
/// Streams trades and quotes as the simulated clock passes their timestamps: every
/// <see cref="Interval"/> (real time) it sends each connection the quotes, then the trades, of
/// its subscribed symbols timed since the last round, batched into frames in time order. A loop
/// of its own, apart from <see cref="StreamTicker"/>, so a busy tape never delays the bars.
/// </summary>
internal sealed partial class TapeTicker(
    SimulatedClock clock, SyntheticMarket market, StreamHub hub, IOptions<MarketSimOptions> options, TimeProvider time, ILogger<TapeTicker> logger)
    : BackgroundService
{
    /// <summary>Real time between rounds.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    // A frame stays well under a megabyte (a trade message is about 120 bytes).
    private const int MaxMessagesPerFrame = 2000;

    // Further behind than this (real time), the ticker skips ahead rather than replaying a flood.
    private static readonly TimeSpan MaxLag = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var last = clock.Now;
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var now = clock.Now;
            if (now <= last) continue;
            if ((now - last) / clock.Speed > MaxLag)
            {
                LogSkipped(logger, last, now);
                last = now;
                continue;
            }

            try
            {
                Emit(last, now);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogEmitFailed(logger, ex, last, now);
            }
            last = now;
        }
    }

    /// <summary>Sends the quotes and trades timed in (<paramref name="after"/>, <paramref name="upTo"/>].</summary>
    internal void Emit(DateTimeOffset after, DateTimeOffset upTo)
    {
        var sessions = hub.Active;
        if (sessions.Length == 0) return;
        var start = new NanoTime(NanoTime.From(after).UnixNanoseconds + 1);
        var end = NanoTime.From(upTo);
        var universe = options.Value.LiquidSymbols;

        foreach (var session in sessions)
        {
            var subscriptions = session.Subscriptions;
            var quotes = Collect(subscriptions.Resolve("quotes", universe), symbol => market.EnumerateQuotes(symbol, session.DataFeed, start, end, false, end), q => q.Time);
            foreach (var batch in quotes.Chunk(MaxMessagesPerFrame)) session.Send(StreamFrames.Quotes(batch));
            var trades = Collect(subscriptions.Resolve("trades", universe), symbol => market.EnumerateTrades(symbol, session.DataFeed, start, end, false, end), t => t.Time);
            foreach (var batch in trades.Chunk(MaxMessagesPerFrame)) session.Send(StreamFrames.Trades(batch));
        }
    }

    // Every subscribed symbol's rows, merged in time order (ties by symbol).
    private List<(string Symbol, T Row)> Collect<T>(IEnumerable<string> symbols, Func<Symbol, IEnumerable<T>> rows, Func<T, NanoTime> timeOf)
    {
        var result = new List<(string Symbol, T Row)>();
        foreach (var name in symbols.Order(StringComparer.Ordinal))
        {
            if (options.Value.InvalidSymbols.Contains(name, StringComparer.Ordinal) || !Symbol.TryParse(name, out var symbol)) continue;
            foreach (var row in rows(symbol)) result.Add((name, row));
        }
        // OrderBy is stable: equal times keep the symbol order.
        return result.Count > 1 ? [.. result.OrderBy(x => timeOf(x.Row))] : result;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trade and quote stream fell behind at {Last}; skipping to {Now}")]
    private static partial void LogSkipped(ILogger logger, DateTimeOffset last, DateTimeOffset now);

    [LoggerMessage(Level = LogLevel.Error, Message = "Trade and quote stream failed to emit ({After}, {UpTo}]")]
    private static partial void LogEmitFailed(ILogger logger, Exception exception, DateTimeOffset after, DateTimeOffset upTo);
}
