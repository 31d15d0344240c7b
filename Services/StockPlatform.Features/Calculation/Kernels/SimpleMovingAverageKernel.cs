namespace StockPlatform.Features.Calculation.Kernels;

/// <summary><c>sma_N</c>: the mean of the last N closes, this bar's included; NaN for the first N - 1 bars.</summary>
internal sealed class SimpleMovingAverageKernel(int window) : FeatureKernel
{
    public override IReadOnlyList<string> Columns { get; } = [$"sma_{window}"];

    public override int LookBackBars => window - 1;

    public override void Compute(BarSeries bars, int start, ReadOnlySpan<double> previous, FeatureRows rows)
    {
        var close = bars.Close;
        for (var t = start; t < close.Length; t++)
        {
            rows[t, 0] = t < window - 1
                ? double.NaN
                : RollingWindow.Mean(close.AsSpan(t - window + 1, window));
        }
    }
}
