using System.Buffers;

namespace StockPlatform.Features.Calculation.Kernels;

/// <summary>
/// <c>volatility_N</c>: the sample standard deviation (n - 1) of the last N log returns, so it
/// needs N + 1 closes and is NaN for the first N bars. Not annualised.
/// </summary>
internal sealed class RollingVolatilityKernel(int window) : FeatureKernel
{
    public override IReadOnlyList<string> Columns { get; } = [$"volatility_{window}"];

    public override int LookBackBars => window;

    public override void Compute(BarSeries bars, int start, ReadOnlySpan<double> previous, FeatureRows rows)
    {
        var close = bars.Close;
        var count = close.Length;
        var firstNeeded = Math.Max(1, start - window + 1);
        // Each log return is needed by N windows; computing it once keeps the window loop to additions.
        var logReturns = ArrayPool<double>.Shared.Rent(count);
        try
        {
            for (var i = firstNeeded; i < count; i++) logReturns[i] = PriceMath.LogReturn(close[i - 1], close[i]);

            for (var t = start; t < count; t++)
            {
                if (t < window)
                {
                    rows[t, 0] = double.NaN;
                    continue;
                }

                var returns = logReturns.AsSpan(t - window + 1, window);
                rows[t, 0] = RollingWindow.SampleStandardDeviation(returns, RollingWindow.Mean(returns));
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(logReturns);
        }
    }
}
