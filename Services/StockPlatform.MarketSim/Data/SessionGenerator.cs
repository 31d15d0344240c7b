using System.Runtime.CompilerServices;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.MarketSim.Data;

/// <summary>
/// Generates one symbol's session (04:00 to 20:00 New York, 17:00 on early-close days) on both
/// feeds at once. The whole session comes out of random streams seeded by (seed, symbol, date)
/// and the minute, so a bar depends only on those, never on what range was asked for. Each
/// bar's open, high, low, close, volume and trade count are drawn first (the template); then
/// the minute's trades are generated from it (<see cref="TradeTape"/>) and the vwap is theirs.
/// </summary>
internal static class SessionGenerator
{
    /// <summary>Share of bars whose final version includes a late trade (sent as a <c>u</c> update on the stream).</summary>
    public const double CorrectionRate = 0.03;

    // Fully optimized from the first call (see TradeTape.Fill): hot, and called a few hundred times at most.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static MarketSession Generate(SymbolModel model, SessionTimes times)
    {
        var minutes = times.SessionMinutes;
        var regularStart = (int)(times.OpenUtc - times.SessionOpenUtc).TotalMinutes;
        var regularEnd = (int)(times.CloseUtc - times.SessionOpenUtc).TotalMinutes;
        var random = new SeededRandom(StableHash.Combine(model.Hash, (ulong)times.Date.DayNumber, 0x5E5510UL));

        Span<double> path = stackalloc double[minutes + 1];
        BuildPath(model, times, random.NextUInt64(), regularStart, regularEnd, path);

        // Raw prices as traded: the economic walk scaled by the splits still to come (see
        // SymbolModel.RawPriceFactor), volume inversely, so both jump by the ratio on an ex-date.
        var priceFactor = model.RawPriceFactor(times.Date);
        var volumeFactor = model.RawVolumeFactor(times.Date);

        var sip = new List<Bar>(minutes);
        var iex = new List<Bar>(minutes);
        var sipNotionals = new List<long>(minutes);
        var iexNotionals = new List<long>(minutes);
        var sipPreliminary = new Dictionary<DateTimeOffset, Bar>();
        var iexPreliminary = new Dictionary<DateTimeOffset, Bar>();
        var minuteSigma = model.DailyVolatility / Math.Sqrt(390);
        var minuteSeed = random.NextUInt64();

        for (var i = 0; i < minutes; i++)
        {
            // Each minute draws from its own stream, so a quiet minute costs one draw and no
            // branch can shift the numbers of the minutes after it.
            var draw = new SeededRandom(StableHash.Combine(minuteSeed, (ulong)i));
            var regular = i >= regularStart && i < regularEnd;
            var presence = regular ? model.RegularPresence : model.ExtendedPresence * ExtendedActivity(i, regularStart, regularEnd);
            if (draw.NextDouble() >= presence) continue;

            var start = times.SessionOpenUtc.AddMinutes(i);
            var sigma = minuteSigma * Volatility(i, regularStart, regularEnd);
            var openRaw = Math.Exp(path[i] + (0.15 * sigma * draw.NextGaussian())) * priceFactor;
            var closeRaw = Math.Exp(path[i + 1]) * priceFactor;
            var highRaw = Math.Max(openRaw, closeRaw) * Math.Exp(0.5 * sigma * Math.Abs(draw.NextGaussian()));
            var lowRaw = Math.Min(openRaw, closeRaw) * Math.Exp(-0.5 * sigma * Math.Abs(draw.NextGaussian()));

            var open = TickGrid.Nearest(openRaw);
            var close = TickGrid.Nearest(closeRaw);
            var high = Math.Max(TickGrid.Up(highRaw), Math.Max(open, close));
            var low = Math.Min(TickGrid.Down(lowRaw), Math.Min(open, close));

            var volumeScale = regular ? VolumeProfile(i, regularStart, regularEnd) : 0.04;
            var volume = Math.Max(1L, (long)Math.Round(model.BaseVolume * volumeScale * Math.Exp((0.6 * draw.NextGaussian()) - 0.18) * volumeFactor));
            var trades = (int)Math.Clamp((long)Math.Round(volume / (model.TradeSize * volumeFactor * Math.Exp(0.3 * draw.NextGaussian()))), 1L, Math.Min(volume, TradeTape.MaxTradesPerMinute));
            draw.NextDouble(); // once the vwap's draw; kept so the draws after it (corrections, IEX) stay as they were

            TradeTape.MakeFeasible(ref open, ref high, ref low, ref close, trades);
            var sipTemplate = new MinuteTemplate(open, high, low, close, volume, trades);
            var sipNotional = TradeTape.Notional(sipTemplate, MinuteSeed(model, times, i, iex: false));
            var sipBar = new Bar(start, TickGrid.ToDecimal(open), TickGrid.ToDecimal(high), TickGrid.ToDecimal(low), TickGrid.ToDecimal(close),
                volume, trades, TradeTape.Vwap(sipNotional, volume));
            sip.Add(sipBar);
            sipNotionals.Add(sipNotional);
            var lateSize = draw.NextDouble();
            var nudge = draw.NextDouble();
            if (draw.NextDouble() < CorrectionRate && Preliminary(sipBar, lateSize, nudge) is { } sipEarly)
                sipPreliminary[start] = sipEarly;

            var iexPresence = regular ? model.IexPresence : model.IexPresence * 0.5;
            if (draw.NextDouble() >= iexPresence) continue;

            // IEX has trades of its own, a few percent of SIP's: the same opening price, a
            // narrower range, a few percent of the volume; with a trade or two it cannot reach
            // SIP's close as well.
            var top = Math.Max(open, close);
            var bottom = Math.Min(open, close);
            var iexHigh = top + Ticks(high - top, draw.NextDouble(), top);
            var iexLow = bottom - Ticks(bottom - low, draw.NextDouble(), bottom);
            var iexVolume = Math.Max(1L, (long)Math.Round(volume * model.IexVolumeShare * Math.Exp((0.5 * draw.NextGaussian()) - 0.125)));
            var iexTrades = (int)Math.Clamp((long)Math.Round(trades * model.IexVolumeShare * 1.5), 1L, Math.Min(iexVolume, TradeTape.MaxTradesPerMinute));
            var (iexOpen, iexClose) = (open, close);
            TradeTape.MakeFeasible(ref iexOpen, ref iexHigh, ref iexLow, ref iexClose, iexTrades);
            var iexTemplate = new MinuteTemplate(iexOpen, iexHigh, iexLow, iexClose, iexVolume, iexTrades);
            var iexNotional = TradeTape.Notional(iexTemplate, MinuteSeed(model, times, i, iex: true));
            var iexBar = new Bar(start, TickGrid.ToDecimal(iexOpen), TickGrid.ToDecimal(iexHigh), TickGrid.ToDecimal(iexLow), TickGrid.ToDecimal(iexClose),
                iexVolume, iexTrades, TradeTape.Vwap(iexNotional, iexVolume));
            iex.Add(iexBar);
            iexNotionals.Add(iexNotional);
            if (draw.NextDouble() < CorrectionRate && Preliminary(iexBar, lateSize, nudge) is { } iexEarly)
                iexPreliminary[start] = iexEarly;
        }

        return new MarketSession(
            new SessionBars(model, times, iex: false, [.. sip], [.. sipNotionals], sipPreliminary),
            new SessionBars(model, times, iex: true, [.. iex], [.. iexNotionals], iexPreliminary));
    }

    /// <summary>The seed of one minute's trades and quotes on one feed: (seed, symbol, day, minute, feed).</summary>
    public static ulong MinuteSeed(SymbolModel model, SessionTimes times, int minute, bool iex) =>
        StableHash.Combine(model.Hash, (ulong)times.Date.DayNumber, (ulong)minute, iex ? 0x1E7UL : 0x51FUL);

    // A Brownian bridge in log price from this session's anchor to the next session's, so the
    // last after-hours price meets the next pre-market price and days join without seams.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BuildPath(SymbolModel model, SessionTimes times, ulong seed, int regularStart, int regularEnd, Span<double> path)
    {
        var random = new SeededRandom(seed);
        var minutes = path.Length - 1;
        var from = Math.Log(model.AnchorPrice(times));
        var to = Math.Log(model.AnchorPrice(MarketCalendar.NextSession(times.Date)));
        var minuteSigma = model.DailyVolatility / Math.Sqrt(390);

        Span<double> variance = stackalloc double[minutes + 1];
        double walk = 0, total = 0;
        path[0] = 0;
        variance[0] = 0;
        for (var i = 0; i < minutes; i++)
        {
            var sigma = minuteSigma * Volatility(i, regularStart, regularEnd);
            walk += sigma * random.NextGaussian();
            total += sigma * sigma;
            path[i + 1] = walk;
            variance[i + 1] = total;
        }
        var end = path[minutes];
        for (var i = 0; i <= minutes; i++)
        {
            var share = variance[i] / total;
            path[i] = from + ((to - from) * share) + path[i] - (share * end);
        }
    }

    // Relative volatility by time of day: quiet extended hours, a busy open, a lively close.
    private static double Volatility(int minute, int regularStart, int regularEnd)
    {
        if (minute < regularStart || minute >= regularEnd) return 0.35;
        var sinceOpen = minute - regularStart;
        var toClose = regularEnd - minute;
        if (sinceOpen < 30) return 2.0 - (sinceOpen / 30.0);
        if (toClose <= 15) return 1.3;
        return 1.0;
    }

    // Regular-session volume is U-shaped: heavy at the open and the close, light at midday.
    private static double VolumeProfile(int minute, int regularStart, int regularEnd)
    {
        var x = (minute - regularStart + 0.5) / (regularEnd - regularStart);
        var u = (2 * x) - 1;
        return 0.5 + (2.0 * u * u);
    }

    // Early pre-market and late after-hours trade less than the hours next to the session.
    private static double ExtendedActivity(int minute, int regularStart, int regularEnd)
    {
        if (minute < regularStart) return minute >= regularStart - 90 ? 1.0 : 0.6;
        return minute < regularEnd + 60 ? 1.0 : 0.6;
    }

    // A share of a price span, in whole increments of the price it is added to or taken from.
    private static long Ticks(long span, double share, long price)
    {
        var increment = TickGrid.IncrementAt(price);
        return (long)(span * share / increment) * increment;
    }

    // What the stream sends at the minute mark before the late trade arrives: fewer shares and
    // trades, and a close one or two ticks off (still inside the final high-low range).
    private static Bar? Preliminary(Bar final, double lateSize, double nudge)
    {
        if (final.Volume < 2) return null;
        var late = Math.Clamp((long)Math.Round(final.Volume * (0.05 + (0.15 * lateSize))), 1L, final.Volume - 1);
        var volume = final.Volume - late;
        var trades = Math.Clamp(final.TradeCount - 1, 1L, volume);
        var tick = TickGrid.TickAt(final.Close);
        var step = nudge < 0.5 ? -tick : tick;
        if (nudge is < 0.25 or > 0.75) step *= 2;
        var close = Math.Clamp(final.Close + step, final.Low, final.High);
        if (close == final.Close) close = Math.Clamp(final.Close - step, final.Low, final.High);
        var vwap = Math.Clamp(final.Vwap + ((close - final.Close) / 4), final.Low, final.High);
        return final with { Close = close, Volume = volume, TradeCount = trades, Vwap = Math.Round(vwap, 6) };
    }
}
