namespace StockPlatform.Features.Calculation.Kernels;

/// <summary>
/// <c>volume_zscore_N</c> = (V[t] - mean) / stdev over the last N volumes, this bar's included,
/// stdev the sample one (n - 1); NaN for the first N - 1 bars and when the N volumes are all equal.
/// </summary>
internal sealed class VolumeZScoreKernel(int window) : FeatureKernel
{
    public override IReadOnlyList<string> Columns { get; } = [$"volume_zscore_{window}"];

    public override int LookBackBars => window - 1;

    public override void Compute(BarSeries bars, int start, ReadOnlySpan<double> previous, FeatureRows rows)
    {
        var volume = bars.Volume;
        for (var t = start; t < volume.Length; t++)
        {
            if (t < window - 1)
            {
                rows[t, 0] = double.NaN;
                continue;
            }

            var volumes = volume.AsSpan(t - window + 1, window);
            var mean = RollingWindow.Mean(volumes);
            var deviation = RollingWindow.SampleStandardDeviation(volumes, mean);
            rows[t, 0] = deviation == 0 ? double.NaN : (volume[t] - mean) / deviation;
        }
    }
}
