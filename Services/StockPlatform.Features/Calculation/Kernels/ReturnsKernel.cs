namespace StockPlatform.Features.Calculation.Kernels;

/// <summary><c>return_1</c> = C[t] / C[t-1] - 1 and <c>log_return_1</c> = ln(C[t] / C[t-1]); NaN at the first bar.</summary>
internal sealed class ReturnsKernel : FeatureKernel
{
    public override IReadOnlyList<string> Columns { get; } = ["return_1", "log_return_1"];

    public override int LookBackBars => 1;

    public override void Compute(BarSeries bars, int start, ReadOnlySpan<double> previous, FeatureRows rows)
    {
        var close = bars.Close;
        for (var t = start; t < close.Length; t++)
        {
            if (t == 0)
            {
                rows[t, 0] = double.NaN;
                rows[t, 1] = double.NaN;
                continue;
            }

            rows[t, 0] = PriceMath.SimpleReturn(close[t - 1], close[t]);
            rows[t, 1] = PriceMath.LogReturn(close[t - 1], close[t]);
        }
    }
}
