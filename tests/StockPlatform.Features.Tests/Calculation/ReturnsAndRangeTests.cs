using StockPlatform.Features.Tests.Calculation.Support;

namespace StockPlatform.Features.Tests.Calculation;

public sealed class ReturnsAndRangeTests
{
    [Fact]
    public void Returns_compare_each_close_with_the_one_before_and_are_undefined_at_the_first_bar()
    {
        var bars = TestSeries.Of(close: [100, 110, 99, 99]);

        var simple = TestSeries.Feature(bars, "return_1");
        var log = TestSeries.Feature(bars, "log_return_1");

        Assert.True(double.IsNaN(simple[0]) && double.IsNaN(log[0]));
        Assert.Equal(0.10, simple[1], 1e-15);
        Assert.Equal(-0.10, simple[2], 1e-15);
        Assert.Equal(0.0, simple[3]);
        Assert.Equal(Math.Log(1.1), log[1], 1e-15);
        Assert.Equal(Math.Log(0.9), log[2], 1e-15);
        Assert.Equal(0.0, log[3]);
    }

    [Fact]
    public void A_zero_previous_close_makes_the_returns_undefined_rather_than_infinite()
    {
        var bars = TestSeries.Of(close: [0, 10]);

        Assert.True(double.IsNaN(TestSeries.Feature(bars, "return_1")[1]));
        Assert.True(double.IsNaN(TestSeries.Feature(bars, "log_return_1")[1]));
    }

    [Fact]
    public void Range_percent_is_the_bars_high_low_range_over_its_open_from_the_first_bar()
    {
        var bars = TestSeries.Of(close: [52, 40], open: [50, 40], high: [55, 42], low: [45, 39]);

        var range = TestSeries.Feature(bars, "range_pct");

        Assert.Equal(20.0, range[0], 1e-12);
        Assert.Equal(7.5, range[1], 1e-12);
    }
}
