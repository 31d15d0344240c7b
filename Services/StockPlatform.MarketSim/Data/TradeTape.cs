using System.Runtime.CompilerServices;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.MarketSim.Data;

/// <summary>What one minute's trades must add up to, prices in ticks (units of $0.0001).</summary>
internal readonly record struct MinuteTemplate(long Open, long High, long Low, long Close, long Volume, int Trades);

/// <summary>
/// One minute's trades and quotes, generated from the minute's bar template and a seed of its own
/// (symbol, feed, day, minute), so the bar can be computed from the trades when the session is
/// generated and the very same trades can be regenerated later for any request, without keeping
/// them. The trades reproduce the bar exactly: the first is the open, the last the close, the
/// extremes are the high and low, the sizes sum to the volume, their count is the trade count and
/// their volume-weighted price is the bar's vwap.
/// </summary>
/// <remarks>
/// Prices and sizes come from one random stream, times, venues and quotes each from their own, so
/// the session generator pays only for the prices and sizes, which are all the vwap needs.
/// </remarks>
internal static class TradeTape
{
    /// <summary>Most trades one minute has (the template generator clamps to it).</summary>
    public const int MaxTradesPerMinute = 300;

    private const long NanosPerMinute = 60_000_000_000;

    // Trades are at least this far apart, which leaves room for the quotes in front of each one.
    private const long MinTradeGap = 1_000;

    private const ulong PriceAndSizeStream = 1, TimeStream = 3, DetailStream = 4, QuoteStream = 5;

    // Sale conditions that all count towards bars: regular, intermarket sweep, and Form T
    // (outside regular hours). Shared instances: a minute holds hundreds of trades.
    private static readonly string[] Regular = ["@"];
    private static readonly string[] Sweep = ["@", "F"];
    private static readonly string[] FormT = ["@", "T"];
    private static readonly string[] RegularQuote = ["R"];

    // SIP venues by rough share of volume: off-exchange (FINRA ADF) first, then the big exchanges.
    private static readonly string[] TradeVenues = Venues(
        ("D", 34), ("Q", 14), ("N", 8), ("P", 8), ("K", 7), ("Z", 6), ("V", 3), ("U", 3), ("Y", 3), ("J", 2),
        ("X", 2), ("B", 2), ("H", 2), ("A", 1), ("M", 1), ("C", 1), ("I", 1), ("W", 1));

    // Quoting venues: the exchanges (the ADF hardly ever posts the best price).
    private static readonly string[] QuoteVenues = Venues(
        ("Q", 20), ("N", 12), ("P", 12), ("K", 10), ("Z", 9), ("V", 6), ("U", 6), ("Y", 5), ("J", 4),
        ("X", 4), ("B", 4), ("H", 3), ("A", 2), ("M", 1), ("C", 1), ("I", 1));

    /// <summary>
    /// Makes a template with few trades possible: one trade is open, high, low and close at once;
    /// two are the open and the close; three cover one extreme beyond them (the larger one is kept).
    /// </summary>
    public static void MakeFeasible(ref long open, ref long high, ref long low, ref long close, long trades)
    {
        if (trades <= 1)
        {
            close = high = low = open;
            return;
        }
        var top = Math.Max(open, close);
        var bottom = Math.Min(open, close);
        if (trades == 2)
        {
            (high, low) = (top, bottom);
            return;
        }
        if (trades == 3 && high > top && low < bottom)
        {
            if (high - top >= bottom - low) low = bottom;
            else high = top;
        }
    }

    /// <summary>The notional of the minute's trades without keeping them (what the bar's vwap comes from).</summary>
    public static long Notional(in MinuteTemplate template, ulong seed)
    {
        Span<long> prices = stackalloc long[template.Trades];
        Span<long> sizes = stackalloc long[template.Trades];
        return Fill(template, seed, prices, sizes);
    }

    /// <summary>
    /// The vwap of a notional in ticks times shares: rounded to six decimals, half away from zero.
    /// In integers (millionths of a dollar are notional * 100 / volume), as decimal division
    /// would cost more than generating the minute's trades.
    /// </summary>
    public static decimal Vwap(long notional, long volume)
    {
        const long MillionthsPerTick = 1_000_000 / TickGrid.PerDollar;
        var micros = notional <= long.MaxValue / (2 * MillionthsPerTick)
            ? ((2 * MillionthsPerTick * notional) + volume) / (2 * volume)
            : (long)((((Int128)notional * 2 * MillionthsPerTick) + volume) / (2 * (Int128)volume));
        return new decimal((int)(micros & 0xFFFFFFFF), (int)(micros >> 32), 0, false, 6);
    }

    /// <summary>
    /// The minute's trades in time order. Ids continue from <paramref name="firstId"/>; SIP trades
    /// spread over the venues, IEX trades are all on IEX (<c>V</c>).
    /// </summary>
    public static Trade[] Trades(in MinuteTemplate template, ulong seed, long minuteNanos, long firstId, bool iex, bool extended, string tape)
    {
        var n = template.Trades;
        Span<long> prices = stackalloc long[n];
        Span<long> sizes = stackalloc long[n];
        Span<long> offsets = stackalloc long[n];
        Fill(template, seed, prices, sizes);
        FillTimes(seed, offsets);

        var detail = new SeededRandom(StableHash.Combine(seed, DetailStream));
        var trades = new Trade[n];
        for (var i = 0; i < n; i++)
        {
            var venue = detail.NextUInt64();
            var conditions = extended ? FormT : (venue >> 56) < 30 ? Sweep : Regular;
            trades[i] = new Trade(new NanoTime(minuteNanos + offsets[i]), firstId + i, iex ? "V" : TradeVenues[venue & 0xFF],
                TickGrid.ToDecimal(prices[i]), sizes[i], conditions, tape);
        }
        return trades;
    }

    /// <summary>
    /// The minute's quotes in time order: one to three in front of each trade, after the trade
    /// before it, each with bid &lt;= that trade's price &lt;= ask and bid &lt; ask, so the latest quote
    /// at or before any trade brackets it.
    /// </summary>
    public static Quote[] Quotes(in MinuteTemplate template, ulong seed, long minuteNanos, bool iex, bool liquid, string tape)
    {
        var n = template.Trades;
        Span<long> prices = stackalloc long[n];
        Span<long> offsets = stackalloc long[n];
        Fill(template, seed, prices, []);
        FillTimes(seed, offsets);

        var random = new SeededRandom(StableHash.Combine(seed, QuoteStream));
        var widest = liquid ? 2 : 8;
        var maxSize = liquid ? 12 : 5;
        var quotes = new List<Quote>(n * 2);
        var lower = 0L;
        for (var k = 0; k < n; k++)
        {
            var u = random.NextDouble();
            var count = u < 0.45 ? 1 : u < 0.85 ? 2 : 3;
            var upper = offsets[k] - 1;
            var slot = (upper - lower + 1) / count;
            for (var j = 0; j < count; j++)
            {
                var at = lower + (j * slot) + (long)(random.NextDouble() * slot);
                var price = prices[k];
                var increment = TickGrid.IncrementAt(price);
                var spread = 1 + (int)(random.NextDouble() * widest);
                var below = (int)(random.NextDouble() * (spread + 1));
                if (below > spread) below = spread;
                var bid = price - (below * increment);
                if (bid < 1)
                {
                    bid = price;
                    below = 0;
                }
                var ask = price + (Math.Max(1, spread - below) * increment);
                if (ask >= TickGrid.PerDollar && ask % 100 != 0) ask += 100 - (ask % 100);
                var venues = random.NextUInt64();
                quotes.Add(new Quote(new NanoTime(minuteNanos + at),
                    iex ? "V" : QuoteVenues[venues & 0xFF], TickGrid.ToDecimal(bid), 1 + (long)(random.NextDouble() * maxSize),
                    iex ? "V" : QuoteVenues[(venues >> 8) & 0xFF], TickGrid.ToDecimal(ask), 1 + (long)(random.NextDouble() * maxSize),
                    RegularQuote, tape));
            }
            lower = offsets[k] + 1;
        }
        return [.. quotes];
    }

    // Prices: the open first, the close last, the high and the low (when beyond them) at random
    // places in between, and the rest scattered around the line from open to close, within the
    // range. From $1 up the whole range is on the cent grid, so the work is in cents; below $1,
    // or across it, in ticks, snapping to the cent from $1 up (flooring keeps the price within
    // the range, whose ends are on the grid).
    // Sizes: one share each, and the rest spread in the same pass: trade i ends at the share
    // (i + 1 - jitter) / n of it, the last at exactly all of it, which gives each trade between a
    // tenth and nearly twice the mean; floors of the cumulative amounts make the sizes add up to
    // the volume exactly whatever the rounding.
    // One 64-bit draw per trade serves both (two 24-bit uniforms for the price, 16 bits for the
    // size), so quotes, which need the prices alone (empty sizes), see the same prices.
    // Fully optimized from the first call: a process that generates a few hundred sessions once
    // would otherwise run most of its trades through the unoptimized first tier.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long Fill(in MinuteTemplate t, ulong seed, Span<long> prices, Span<long> sizes)
    {
        var n = prices.Length;
        var withSizes = !sizes.IsEmpty;
        prices[0] = t.Open;
        if (n == 1)
        {
            if (withSizes) sizes[0] = t.Volume;
            return t.Open * t.Volume;
        }
        prices[n - 1] = t.Close;

        var random = new SeededRandom(StableHash.Combine(seed, PriceAndSizeStream));
        var inner = n - 2;
        var needHigh = t.High > Math.Max(t.Open, t.Close);
        var needLow = t.Low < Math.Min(t.Open, t.Close);
        var highAt = needHigh ? 1 + (int)(random.NextUInt64() % (ulong)inner) : -1;
        var lowAt = -1;
        if (needLow)
        {
            lowAt = 1 + (int)(random.NextUInt64() % (ulong)(needHigh ? inner - 1 : inner));
            if (needHigh && lowAt >= highAt) lowAt++;
        }

        var unit = t.Low >= TickGrid.PerDollar ? 100L : 1L;
        var low = t.Low / unit;
        var high = t.High / unit;
        var open = (double)(t.Open / unit);
        var step = (double)((t.Close / unit) - (t.Open / unit)) / (n - 1);
        // The sum of two uniforms less one is triangular on (-1, 1).
        var spread = (high - low) * 0.6 / (1 << 24);
        var rest = Math.Max(0, t.Volume - n);
        var perTrade = (double)rest / n * 0.9 / (1 << 16);
        long before = 0, notional = 0;
        for (var i = 0; i < n - 1; i++)
        {
            var bits = random.NextUInt64();
            if (i > 0)
            {
                long price;
                if (i == highAt) price = t.High;
                else if (i == lowAt) price = t.Low;
                else
                {
                    var noise = ((double)((long)(bits >> 40) + (long)((bits >> 16) & 0xFFFFFF)) - (1 << 24)) * spread;
                    price = Math.Clamp((long)Math.Round(open + (step * i) + noise), low, high);
                    if (unit == 1 && price >= TickGrid.PerDollar) price -= price % 100;
                    price *= unit;
                }
                prices[i] = price;
            }
            if (withSizes)
            {
                var upTo = Math.Min(rest, (long)(((double)rest / n * (i + 1)) - (perTrade * (bits & 0xFFFF))));
                sizes[i] = 1 + upTo - before;
                before = upTo;
                notional += prices[i] * sizes[i];
            }
        }
        if (!withSizes) return 0;
        sizes[n - 1] = 1 + rest - before;
        return notional + (prices[n - 1] * sizes[n - 1]);
    }

    // Offsets in nanoseconds from the minute's start, strictly increasing, at least MinTradeGap
    // apart and from the minute's start, all within the minute.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillTimes(ulong seed, Span<long> offsets)
    {
        var n = offsets.Length;
        var random = new SeededRandom(StableHash.Combine(seed, TimeStream));
        Span<double> cumulative = stackalloc double[n + 1];
        var total = 0.0;
        for (var i = 0; i <= n; i++)
        {
            var u = random.NextDouble();
            total += (u * u) + 0.01;
            cumulative[i] = total;
        }
        var span = NanosPerMinute - (MinTradeGap * (n + 1));
        for (var i = 0; i < n; i++)
        {
            offsets[i] = (long)(span * (cumulative[i] / total)) + (MinTradeGap * (i + 1));
        }
    }

    private static string[] Venues(params (string Code, int Weight)[] weights)
    {
        var total = weights.Sum(w => w.Weight);
        var table = new string[256];
        var filled = 0;
        var cumulative = 0;
        foreach (var (code, weight) in weights)
        {
            cumulative += weight;
            var to = (int)Math.Round(256.0 * cumulative / total);
            for (; filled < to; filled++) table[filled] = code;
        }
        return table;
    }
}
