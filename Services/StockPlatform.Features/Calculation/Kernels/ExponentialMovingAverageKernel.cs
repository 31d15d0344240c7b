namespace StockPlatform.Features.Calculation.Kernels;

/// <summary>
/// <c>ema_N</c> of close: seeded at bar N - 1 (0-based) with the mean of the first N closes, then
/// <c>ema = ema + alpha * (C - ema)</c> with <c>alpha = 2 / (N + 1)</c>. The value is its own
/// state, so a resumed computation continues from the previous row's value.
/// </summary>
internal sealed class ExponentialMovingAverageKernel(int period) : FeatureKernel
{
    private readonly double alpha = 2.0 / (period + 1);

    public override IReadOnlyList<string> Columns { get; } = [$"ema_{period}"];

    public override IReadOnlyList<int> StateColumns { get; } = [0];

    public override int LookBackBars => 0;

    public override void Compute(BarSeries bars, int start, ReadOnlySpan<double> previous, FeatureRows rows)
    {
        var close = bars.Close;
        var ema = start == 0 ? double.NaN : previous[0];
        // The seed is summed only in a full computation, where it starts at the series' first bar.
        var seedSum = 0.0;
        for (var t = start; t < close.Length; t++)
        {
            if (!double.IsNaN(ema))
            {
                ema = ema + alpha * (close[t] - ema);
            }
            else
            {
                seedSum += close[t];
                if (t == period - 1) ema = seedSum / period;
            }

            rows[t, 0] = ema;
        }
    }
}
