using StockPlatform.Features.Calculation;
using StockPlatform.Features.Tests.Calculation.Support;

namespace StockPlatform.Features.Tests.Calculation;

public sealed class WilderAtrTests
{
    [Fact]
    public void Atr_is_seeded_with_the_mean_true_range_and_counts_gaps_from_the_previous_close()
    {
        var set = FeatureSetDefinition.CreateCore("test", 1, CoreFeatureParameters.V1 with { AtrPeriod = 3 });
        // True ranges: 2 (first bar: high - low), 2, 3 (gap up from 12 to a high of 15), 4.5 (low 10 against a close of 14.5).
        var bars = TestSeries.Of(close: [11, 12, 14.5, 11], high: [12, 13, 15, 14], low: [10, 11, 14, 10]);

        var atr = TestSeries.Feature(bars, "atr_3", set);

        Assert.True(double.IsNaN(atr[0]) && double.IsNaN(atr[1]));
        Assert.Equal(7.0 / 3.0, atr[2], 1e-12);
        Assert.Equal((7.0 / 3.0 * 2.0 + 4.5) / 3.0, atr[3], 1e-12);
    }

    [Fact]
    public void Atr_14_first_appears_at_the_fourteenth_bar()
    {
        var closes = Enumerable.Range(0, 15).Select(i => 100.0 + i % 2).ToArray();
        var highs = closes.Select(c => c + 1).ToArray();
        var lows = closes.Select(c => c - 1).ToArray();

        var atr = TestSeries.Feature(TestSeries.Of(close: closes, high: highs, low: lows), "atr_14");

        // Every true range is 2: the previous close always lies inside the bar's range.
        Assert.True(double.IsNaN(atr[12]));
        Assert.Equal([2.0, 2.0], atr[13..]);
    }
}
