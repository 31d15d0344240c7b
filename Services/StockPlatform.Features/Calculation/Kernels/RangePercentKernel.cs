namespace StockPlatform.Features.Calculation.Kernels;

/// <summary>
/// <c>range_pct</c> = (H - L) / O * 100: the bar's own range against its own open, so it needs no
/// earlier bar and is defined from the first one; NaN when O is 0.
/// </summary>
internal sealed class RangePercentKernel : FeatureKernel
{
    public override IReadOnlyList<string> Columns { get; } = ["range_pct"];

    public override int LookBackBars => 0;

    public override void Compute(BarSeries bars, int start, ReadOnlySpan<double> previous, FeatureRows rows)
    {
        var (open, high, low) = (bars.Open, bars.High, bars.Low);
        for (var t = start; t < open.Length; t++)
        {
            rows[t, 0] = open[t] == 0 ? double.NaN : (high[t] - low[t]) / open[t] * 100.0;
        }
    }
}
