using StockPlatform.Features.Calculation;
using StockPlatform.Features.Tests.Calculation.Support;

namespace StockPlatform.Features.Tests.Calculation;

public sealed class WilderRsiTests
{
    private static readonly FeatureSetDefinition PeriodTwo =
        FeatureSetDefinition.CreateCore("test", 1, CoreFeatureParameters.V1 with { RsiPeriod = 2 });

    [Fact]
    public void The_first_averages_are_plain_means_of_the_first_n_changes_and_later_ones_are_wilder_smoothed()
    {
        // Changes +1, -1, +2, 0, -3.
        var bars = TestSeries.Of(close: [10, 11, 10, 12, 12, 9]);

        var gain = TestSeries.Feature(bars, "rsi_2_avg_gain", PeriodTwo);
        var loss = TestSeries.Feature(bars, "rsi_2_avg_loss", PeriodTwo);
        var rsi = TestSeries.Feature(bars, "rsi_2", PeriodTwo);

        Assert.True(double.IsNaN(rsi[1]) && double.IsNaN(gain[1]) && double.IsNaN(loss[1]));
        Assert.Equal([0.5, 1.25, 0.625, 0.3125], gain[2..]);
        Assert.Equal([0.5, 0.25, 0.125, 1.5625], loss[2..]);
        Assert.Equal(50.0, rsi[2], 1e-12);
        Assert.Equal(100.0 - 100.0 / 6.0, rsi[3], 1e-12); // gain / loss = 5
        Assert.Equal(100.0 - 100.0 / 6.0, rsi[4], 1e-12);
        Assert.Equal(100.0 - 100.0 / 1.2, rsi[5], 1e-12); // gain / loss = 0.2
    }

    [Fact]
    public void Rsi_14_is_100_when_the_first_fourteen_changes_are_all_gains()
    {
        var rising = Enumerable.Range(0, 15).Select(i => 100.0 + i).ToArray();

        var rsi = TestSeries.Feature(TestSeries.Of(close: rising), "rsi_14");

        Assert.True(double.IsNaN(rsi[13]));
        Assert.Equal(100.0, rsi[14]);
    }

    [Fact]
    public void Rsi_14_is_50_when_the_price_has_not_moved_at_all()
    {
        var flat = Enumerable.Repeat(100.0, 16).ToArray();

        var rsi = TestSeries.Feature(TestSeries.Of(close: flat), "rsi_14");

        Assert.Equal([50.0, 50.0], rsi[14..]);
    }
}
