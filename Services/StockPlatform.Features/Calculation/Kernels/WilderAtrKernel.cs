namespace StockPlatform.Features.Calculation.Kernels;

/// <summary>
/// <c>atr_N</c>: Wilder's average of the true range, max(H - L, |H - C[t-1]|, |L - C[t-1]|), the
/// first bar's being H - L. Seeded at bar N - 1 with the mean of the first N true ranges, then
/// <c>atr = (atr * (N - 1) + tr) / N</c>. The value is its own state.
/// </summary>
internal sealed class WilderAtrKernel(int period) : FeatureKernel
{
    public override IReadOnlyList<string> Columns { get; } = [$"atr_{period}"];

    public override IReadOnlyList<int> StateColumns { get; } = [0];

    public override int LookBackBars => 1;

    public override void Compute(BarSeries bars, int start, ReadOnlySpan<double> previous, FeatureRows rows)
    {
        var (high, low, close) = (bars.High, bars.Low, bars.Close);
        var atr = start == 0 ? double.NaN : previous[0];
        var seedSum = 0.0;
        for (var t = start; t < close.Length; t++)
        {
            var trueRange = t == 0 ? high[t] - low[t] : PriceMath.TrueRange(high[t], low[t], close[t - 1]);
            if (!double.IsNaN(atr))
            {
                atr = PriceMath.WilderStep(atr, trueRange, period);
            }
            else
            {
                seedSum += trueRange;
                if (t == period - 1) atr = seedSum / period;
            }

            rows[t, 0] = atr;
        }
    }
}
