namespace StockPlatform.Features.Calculation.Kernels;

/// <summary>
/// <c>rsi_N</c> with Wilder's smoothing, and its state <c>rsi_N_avg_gain</c> and
/// <c>rsi_N_avg_loss</c>. The first averages, at bar N, are the plain means of the first N
/// close-to-close gains and losses; after that <c>avg = (avg * (N - 1) + current) / N</c>.
/// RSI = 100 - 100 / (1 + avg_gain / avg_loss); 100 when only avg_loss is 0; 50 when both are.
/// </summary>
internal sealed class WilderRsiKernel(int period) : FeatureKernel
{
    public override IReadOnlyList<string> Columns { get; } = [$"rsi_{period}", $"rsi_{period}_avg_gain", $"rsi_{period}_avg_loss"];

    public override IReadOnlyList<int> StateColumns { get; } = [1, 2];

    public override int LookBackBars => 1;

    public override void Compute(BarSeries bars, int start, ReadOnlySpan<double> previous, FeatureRows rows)
    {
        var close = bars.Close;
        var averageGain = start == 0 ? double.NaN : previous[1];
        var averageLoss = start == 0 ? double.NaN : previous[2];
        var gainSum = 0.0;
        var lossSum = 0.0;
        for (var t = start; t < close.Length; t++)
        {
            // The first bar has no change; it stays NaN like every bar before the seed.
            if (t > 0)
            {
                var change = close[t] - close[t - 1];
                var gain = change > 0 ? change : 0.0;
                var loss = change < 0 ? -change : 0.0;
                if (!double.IsNaN(averageGain))
                {
                    averageGain = PriceMath.WilderStep(averageGain, gain, period);
                    averageLoss = PriceMath.WilderStep(averageLoss, loss, period);
                }
                else
                {
                    gainSum += gain;
                    lossSum += loss;
                    if (t == period)
                    {
                        averageGain = gainSum / period;
                        averageLoss = lossSum / period;
                    }
                }
            }

            rows[t, 0] = RelativeStrength(averageGain, averageLoss);
            rows[t, 1] = averageGain;
            rows[t, 2] = averageLoss;
        }
    }

    private static double RelativeStrength(double averageGain, double averageLoss)
    {
        if (double.IsNaN(averageGain) || double.IsNaN(averageLoss)) return double.NaN;
        if (averageLoss == 0) return averageGain > 0 ? 100.0 : 50.0;
        return 100.0 - 100.0 / (1.0 + averageGain / averageLoss);
    }
}
