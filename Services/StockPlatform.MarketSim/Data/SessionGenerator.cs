using StockPlatform.MarketData.Domain;

namespace StockPlatform.MarketSim.Data;

/// <summary>
/// Generates one symbol's session (04:00 to 20:00 New York, 17:00 on early-close days) on both
/// feeds at once. The whole session always comes out of one seeded random stream in one fixed
/// order, so a bar depends only on (seed, symbol, date), never on what range was asked for.
/// </summary>
internal static class SessionGenerator
{
    /// <summary>Share of bars whose final version includes a late trade (sent as a <c>u</c> update on the stream).</summary>
    public const double CorrectionRate = 0.03;

    public static MarketSession Generate(SymbolModel model, SessionTimes times)
    {
        var minutes = times.SessionMinutes;
        var regularStart = (int)(times.OpenUtc - times.SessionOpenUtc).TotalMinutes;
        var regularEnd = (int)(times.CloseUtc - times.SessionOpenUtc).TotalMinutes;
        var random = new SeededRandom(StableHash.Combine(model.Hash, (ulong)times.Date.DayNumber, 0x5E5510UL));

        Span<double> path = stackalloc double[minutes + 1];
        BuildPath(model, times, random.NextUInt64(), regularStart, regularEnd, path);

        var sip = new List<Bar>(minutes);
        var iex = new List<Bar>(minutes);
        var sipPreliminary = new Dictionary<DateTimeOffset, Bar>();
        var iexPreliminary = new Dictionary<DateTimeOffset, Bar>();
        var minuteSigma = model.DailyVolatility / Math.Sqrt(390);

        for (var i = 0; i < minutes; i++)
        {
            // Always the same number of draws per minute, so no branch below shifts the stream.
            var gOpen = random.NextGaussian();
            var gHigh = random.NextGaussian();
            var gLow = random.NextGaussian();
            var uPresent = random.NextDouble();
            var gVolume = random.NextGaussian();
            var gTrades = random.NextGaussian();
            var uVwap = random.NextDouble();
            var uIex = random.NextDouble();
            var gIexVolume = random.NextGaussian();
            var uIexHigh = random.NextDouble();
            var uIexLow = random.NextDouble();
            var uSipLate = random.NextDouble();
            var uIexLate = random.NextDouble();
            var uLateSize = random.NextDouble();
            var uNudge = random.NextDouble();

            var regular = i >= regularStart && i < regularEnd;
            var presence = regular ? model.RegularPresence : model.ExtendedPresence * ExtendedActivity(i, regularStart, regularEnd, minutes);
            if (uPresent >= presence) continue;

            var start = times.SessionOpenUtc.AddMinutes(i);
            var sigma = minuteSigma * Volatility(i, regularStart, regularEnd);
            var openRaw = Math.Exp(path[i] + (0.15 * sigma * gOpen));
            var closeRaw = Math.Exp(path[i + 1]);
            var highRaw = Math.Max(openRaw, closeRaw) * Math.Exp(0.5 * sigma * Math.Abs(gHigh));
            var lowRaw = Math.Min(openRaw, closeRaw) * Math.Exp(-0.5 * sigma * Math.Abs(gLow));

            var open = TickGrid.Nearest(openRaw);
            var close = TickGrid.Nearest(closeRaw);
            var high = Math.Max(TickGrid.Up(highRaw), Math.Max(open, close));
            var low = Math.Min(TickGrid.Down(lowRaw), Math.Min(open, close));

            var volumeScale = regular ? VolumeProfile(i, regularStart, regularEnd) : 0.04;
            var volume = Math.Max(1L, (long)Math.Round(model.BaseVolume * volumeScale * Math.Exp((0.6 * gVolume) - 0.18)));
            var trades = Math.Clamp((long)Math.Round(volume / (model.TradeSize * Math.Exp(0.3 * gTrades))), 1L, volume);
            var vwapRaw = (0.5 * ((openRaw + closeRaw) / 2)) + (0.5 * ((double)low + ((double)(high - low) * uVwap)));
            var vwap = Math.Clamp(TickGrid.Micros(vwapRaw), low, high);

            var sipBar = new Bar(start, open, high, low, close, volume, trades, vwap);
            sip.Add(sipBar);
            if (uSipLate < CorrectionRate && Preliminary(sipBar, uLateSize, uNudge) is { } sipEarly)
                sipPreliminary[start] = sipEarly;

            var iexPresence = regular ? model.IexPresence : model.IexPresence * 0.5;
            if (uIex >= iexPresence) continue;

            // IEX sees a subset of the same trades: same open and close, a narrower range, a few percent of the volume.
            var iexHigh = Math.Max(open, close) + Ticks(high - Math.Max(open, close), uIexHigh, Math.Max(open, close));
            var iexLow = Math.Min(open, close) - Ticks(Math.Min(open, close) - low, uIexLow, Math.Min(open, close));
            var iexVolume = Math.Max(1L, (long)Math.Round(volume * model.IexVolumeShare * Math.Exp((0.5 * gIexVolume) - 0.125)));
            var iexTrades = Math.Clamp((long)Math.Round(trades * model.IexVolumeShare * 1.5), 1L, iexVolume);
            var iexBar = new Bar(start, open, iexHigh, iexLow, close, iexVolume, iexTrades, Math.Clamp(vwap, iexLow, iexHigh));
            iex.Add(iexBar);
            if (uIexLate < CorrectionRate && Preliminary(iexBar, uLateSize, uNudge) is { } iexEarly)
                iexPreliminary[start] = iexEarly;
        }

        return new MarketSession(new SessionBars(times, [.. sip], sipPreliminary), new SessionBars(times, [.. iex], iexPreliminary));
    }

    // A Brownian bridge in log price from this session's anchor to the next session's, so the
    // last after-hours price meets the next pre-market price and days join without seams.
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

    // Early pre-market and late after-hours trade far less than the hours next to the session.
    private static double ExtendedActivity(int minute, int regularStart, int regularEnd, int minutes)
    {
        if (minute < regularStart) return minute >= regularStart - 90 ? 1.0 : 0.35;
        return minute < regularEnd + 60 ? 1.0 : minute < minutes ? 0.4 : 0;
    }

    // A share of a price span, in whole ticks of the price it is added to or taken from.
    private static decimal Ticks(decimal span, double share, decimal price)
    {
        var tick = TickGrid.TickAt(price);
        return Math.Floor(span * (decimal)share / tick) * tick;
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
