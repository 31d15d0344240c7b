using StockPlatform.Features.Calculation;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.Features.Tests.Calculation.Support;

/// <summary>
/// A deliberately plain second implementation of the core family, written from docs/features.md:
/// decimal arithmetic on the domain bars wherever no logarithm or square root is involved, each
/// window summed afresh with LINQ, each session VWAP summed from the session's first bar. Slow
/// and obvious, so that agreeing with it says something about the engine.
/// </summary>
internal static class NaiveCoreFeatures
{
    public static Dictionary<string, double[]> Compute(IReadOnlyList<Bar> bars, IReadOnlyList<int> sessions, CoreFeatureParameters parameters)
    {
        var n = bars.Count;
        var result = new Dictionary<string, double[]>();
        double[] Column(string name) => result[name] = Enumerable.Repeat(double.NaN, n).ToArray();
        var close = bars.Select(bar => bar.Close).ToArray();

        var simpleReturn = Column("return_1");
        var logReturn = Column("log_return_1");
        for (var t = 1; t < n; t++)
        {
            simpleReturn[t] = (double)(close[t] / close[t - 1] - 1);
            logReturn[t] = Math.Log((double)(close[t] / close[t - 1]));
        }

        foreach (var window in parameters.SmaWindows)
        {
            var sma = Column($"sma_{window}");
            for (var t = window - 1; t < n; t++) sma[t] = (double)(close.Skip(t - window + 1).Take(window).Sum() / window);
        }

        foreach (var period in parameters.EmaPeriods) Ema(close, period, Column($"ema_{period}"));
        Rsi(close, parameters.RsiPeriod, Column($"rsi_{parameters.RsiPeriod}"), Column($"rsi_{parameters.RsiPeriod}_avg_gain"), Column($"rsi_{parameters.RsiPeriod}_avg_loss"));
        Atr(bars, parameters.AtrPeriod, Column($"atr_{parameters.AtrPeriod}"));

        var volatility = Column($"volatility_{parameters.VolatilityWindow}");
        for (var t = parameters.VolatilityWindow; t < n; t++)
        {
            var returns = logReturn.Skip(t - parameters.VolatilityWindow + 1).Take(parameters.VolatilityWindow).ToArray();
            var mean = returns.Average();
            volatility[t] = Math.Sqrt(returns.Sum(r => (r - mean) * (r - mean)) / (returns.Length - 1));
        }

        SessionVwap(bars, sessions, Column("vwap_session"), Column("vwap_session_pv"), Column("vwap_session_volume"));
        VolumeZScore(bars, parameters.VolumeZScoreWindow, Column($"volume_zscore_{parameters.VolumeZScoreWindow}"));

        var range = Column("range_pct");
        for (var t = 0; t < n; t++) range[t] = (double)((bars[t].High - bars[t].Low) / bars[t].Open * 100);
        return result;
    }

    private static void Ema(decimal[] close, int period, double[] output)
    {
        if (close.Length < period) return;
        var alpha = 2m / (period + 1);
        var ema = close.Take(period).Average();
        output[period - 1] = (double)ema;
        for (var t = period; t < close.Length; t++)
        {
            ema += alpha * (close[t] - ema);
            output[t] = (double)ema;
        }
    }

    private static void Rsi(decimal[] close, int period, double[] rsi, double[] averageGainColumn, double[] averageLossColumn)
    {
        if (close.Length <= period) return;
        var changes = close.Skip(1).Select((c, i) => c - close[i]).ToArray(); // changes[i] is bar i + 1's
        var averageGain = changes.Take(period).Sum(c => Math.Max(c, 0)) / period;
        var averageLoss = changes.Take(period).Sum(c => Math.Max(-c, 0)) / period;
        for (var t = period; t < close.Length; t++)
        {
            if (t > period)
            {
                averageGain = (averageGain * (period - 1) + Math.Max(changes[t - 1], 0)) / period;
                averageLoss = (averageLoss * (period - 1) + Math.Max(-changes[t - 1], 0)) / period;
            }

            rsi[t] = averageLoss == 0 ? (averageGain > 0 ? 100 : 50) : (double)(100 - 100 / (1 + averageGain / averageLoss));
            averageGainColumn[t] = (double)averageGain;
            averageLossColumn[t] = (double)averageLoss;
        }
    }

    private static void Atr(IReadOnlyList<Bar> bars, int period, double[] output)
    {
        if (bars.Count < period) return;
        var trueRange = bars.Select((bar, t) => t == 0
            ? bar.High - bar.Low
            : new[] { bar.High - bar.Low, Math.Abs(bar.High - bars[t - 1].Close), Math.Abs(bar.Low - bars[t - 1].Close) }.Max()).ToArray();
        var atr = trueRange.Take(period).Average();
        output[period - 1] = (double)atr;
        for (var t = period; t < bars.Count; t++)
        {
            atr = (atr * (period - 1) + trueRange[t]) / period;
            output[t] = (double)atr;
        }
    }

    private static void SessionVwap(IReadOnlyList<Bar> bars, IReadOnlyList<int> sessions, double[] vwap, double[] priceVolume, double[] volume)
    {
        for (var t = 0; t < bars.Count; t++)
        {
            var first = t;
            while (first > 0 && sessions[first - 1] == sessions[t]) first--;
            var session = bars.Skip(first).Take(t - first + 1).ToArray();
            var pv = session.Sum(bar => bar.Vwap * bar.Volume);
            var v = session.Sum(bar => (decimal)bar.Volume);
            vwap[t] = v == 0 ? double.NaN : (double)(pv / v);
            priceVolume[t] = (double)pv;
            volume[t] = (double)v;
        }
    }

    private static void VolumeZScore(IReadOnlyList<Bar> bars, int window, double[] output)
    {
        for (var t = window - 1; t < bars.Count; t++)
        {
            var volumes = bars.Skip(t - window + 1).Take(window).Select(bar => (decimal)bar.Volume).ToArray();
            var mean = volumes.Average();
            var variance = volumes.Sum(v => (v - mean) * (v - mean)) / (window - 1);
            output[t] = variance == 0 ? double.NaN : (double)(bars[t].Volume - mean) / Math.Sqrt((double)variance);
        }
    }
}
