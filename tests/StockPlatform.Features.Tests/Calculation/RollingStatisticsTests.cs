using StockPlatform.Features.Tests.Calculation.Support;

namespace StockPlatform.Features.Tests.Calculation;

public sealed class RollingStatisticsTests
{
    [Fact]
    public void Volume_zscore_measures_this_bars_volume_against_the_last_twenty_with_the_sample_deviation()
    {
        var volumes = Enumerable.Repeat(100.0, 19).Append(200.0).ToArray();

        var zScore = TestSeries.Feature(TestSeries.Of(close: Enumerable.Repeat(10.0, 20).ToArray(), volume: volumes), "volume_zscore_20");

        // Mean 105; squared deviations 19 * 25 + 95^2 = 9500, over 19 = 500.
        Assert.True(double.IsNaN(zScore[18]));
        Assert.Equal(95.0 / Math.Sqrt(500.0), zScore[19], 1e-12);
    }

    [Fact]
    public void Volume_zscore_is_undefined_when_all_twenty_volumes_are_equal()
    {
        var zScore = TestSeries.Feature(TestSeries.Of(close: Enumerable.Repeat(10.0, 21).ToArray()), "volume_zscore_20");

        Assert.All(zScore, value => Assert.True(double.IsNaN(value)));
    }

    [Fact]
    public void Volatility_20_is_the_sample_deviation_of_the_last_twenty_log_returns_and_needs_twenty_one_closes()
    {
        // Alternating closes give log returns +a, -a, ... with a = ln 1.1: mean 0, variance 20a^2 / 19.
        var closes = Enumerable.Range(0, 22).Select(i => i % 2 == 0 ? 100.0 : 110.0).ToArray();

        var volatility = TestSeries.Feature(TestSeries.Of(close: closes), "volatility_20");

        Assert.True(double.IsNaN(volatility[19]));
        Assert.Equal(Math.Log(1.1) * Math.Sqrt(20.0 / 19.0), volatility[20], 1e-12);
        Assert.Equal(Math.Log(1.1) * Math.Sqrt(20.0 / 19.0), volatility[21], 1e-12);
    }
}
