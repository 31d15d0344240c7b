using StockPlatform.Frontend.Display;
using StockPlatform.Frontend.Gateway;

namespace StockPlatform.Frontend.Tests;

public sealed class ChartBarsTests
{
    [Theory]
    [InlineData("472.16", "472.16")]
    [InlineData("472.20000000", "472.2")]
    [InlineData("0.00012345", "0.00012345")]
    [InlineData("118.37412500", "118.374125")]
    [InlineData("1234.5", "1234.5")]
    [InlineData("100", "100")]
    [InlineData("100.00", "100")]
    public void A_price_keeps_every_digit_the_gateway_gave_less_trailing_zeros(string given, string shown) =>
        Assert.Equal(shown, ChartBars.Exact(decimal.Parse(given, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void The_chart_bar_carries_the_exact_text_beside_the_doubles_it_draws()
    {
        // Prices a double cannot hold to the last digit in general; the text keeps them as given.
        var bar = new Bar(new DateTime(2026, 1, 5, 14, 30, 0, DateTimeKind.Utc), 0.12345678m, 0.12345679m, 0.12345601m, 0.1234567m, 1_234_567, 89, 0.12345644m, true);

        var chart = ChartBars.ToChart(bar);

        Assert.Equal(new ChartBarText("0.12345678", "0.12345679", "0.12345601", "0.1234567", "0.12345644"), chart.Text);
        Assert.Equal(1_234_567, chart.Volume);
        Assert.Equal(89, chart.Trades);
        Assert.Equal(0.12345678, chart.Open, 12);
    }
}
