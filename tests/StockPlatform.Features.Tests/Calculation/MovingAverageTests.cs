using StockPlatform.Features.Calculation;
using StockPlatform.Features.Tests.Calculation.Support;

namespace StockPlatform.Features.Tests.Calculation;

public sealed class MovingAverageTests
{
    [Fact]
    public void Sma_5_is_the_mean_of_the_last_five_closes_once_five_bars_exist()
    {
        var bars = TestSeries.Of(close: [1, 2, 3, 4, 5, 6, 7, 8, 9, 20]);

        var sma = TestSeries.Feature(bars, "sma_5");

        Assert.All(sma[..4], value => Assert.True(double.IsNaN(value)));
        Assert.Equal([3, 4, 5, 6, 7, 10], sma[4..]);
        Assert.All(TestSeries.Feature(bars, "sma_20"), value => Assert.True(double.IsNaN(value)));
    }

    [Fact]
    public void An_ema_is_seeded_with_the_mean_of_its_first_n_closes_and_then_moves_by_alpha_towards_each_close()
    {
        // Period 3: alpha = 2 / (3 + 1) = 0.5, so every step lands halfway to the close.
        var set = FeatureSetDefinition.CreateCore("test", 1, CoreFeatureParameters.V1 with { EmaPeriods = [3] });
        var bars = TestSeries.Of(close: [2, 4, 6, 8, 4, 4]);

        var ema = TestSeries.Feature(bars, "ema_3", set);

        Assert.True(double.IsNaN(ema[0]) && double.IsNaN(ema[1]));
        Assert.Equal([4, 6, 5, 4.5], ema[2..]);
    }

    [Fact]
    public void Ema_12_uses_alpha_two_thirteenths_after_its_seed_at_the_twelfth_bar()
    {
        var closes = Enumerable.Repeat(10.0, 12).Append(23.0).ToArray();

        var ema = TestSeries.Feature(TestSeries.Of(close: closes), "ema_12");

        Assert.True(double.IsNaN(ema[10]));
        Assert.Equal(10.0, ema[11]);
        Assert.Equal(10.0 + 2.0 / 13.0 * 13.0, ema[12], 1e-12);
    }
}
