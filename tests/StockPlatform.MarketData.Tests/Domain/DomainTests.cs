using StockPlatform.MarketData.Domain;

namespace StockPlatform.MarketData.Tests.Domain;

public class SymbolTests
{
    [Theory]
    [InlineData("SPY")]
    [InlineData("BRK.B")]
    [InlineData("BTC/USD")]
    [InlineData("A")]
    [InlineData("ABCDEFGHIJKL")]
    [InlineData("X1")]
    public void Alpaca_style_tickers_are_accepted(string text)
    {
        Assert.Equal(text, Symbol.Parse(text).Value);
    }

    [Theory]
    [InlineData("spy", "contains 's'")]
    [InlineData("SP Y", "contains ' '")]
    [InlineData("", "is empty")]
    [InlineData("ABCDEFGHIJKLM", "13 characters")]
    [InlineData("SPY;DROP", "contains ';'")]
    public void Anything_else_is_refused_with_the_rule(string text, string problem)
    {
        var error = Assert.Throws<FormatException>(() => Symbol.Parse(text));

        Assert.Contains(problem, error.Message);
        Assert.Contains("upper-case letters, digits, '.' or '/'", error.Message);
    }
}

public class BarIntervalTests
{
    [Theory]
    [InlineData("1m", 1)]
    [InlineData("5m", 5)]
    [InlineData("15m", 15)]
    [InlineData("30m", 30)]
    [InlineData("90m", 90)]
    [InlineData("1h", 60)]
    [InlineData("4h", 240)]
    [InlineData("1d", 1440)]
    [InlineData("1Min", 1)]
    [InlineData("5Min", 5)]
    [InlineData("15T", 15)]
    [InlineData("1Hour", 60)]
    [InlineData("2H", 120)]
    [InlineData("1Day", 1440)]
    [InlineData("1D", 1440)]
    public void Our_form_and_alpaca_s_parse_to_the_same_length(string text, int minutes)
    {
        Assert.Equal(minutes, BarInterval.Parse(text).Minutes);
    }

    [Theory]
    [InlineData("0m")]
    [InlineData("1440m")]
    [InlineData("24h")]
    [InlineData("2d")]
    [InlineData("1w")]
    [InlineData("m")]
    [InlineData("5 m")]
    [InlineData("")]
    [InlineData("1Week")]
    public void Unsupported_intervals_are_refused_with_the_rule(string text)
    {
        var error = Assert.Throws<FormatException>(() => BarInterval.Parse(text));

        Assert.Contains("an interval is", error.Message);
    }

    [Theory]
    [InlineData("1m", "1Min", "1m")]
    [InlineData("15m", "15Min", "15m")]
    [InlineData("60m", "1Hour", "1h")]
    [InlineData("1d", "1Day", "1d")]
    public void Intervals_print_in_both_forms(string text, string alpaca, string ours)
    {
        var interval = BarInterval.Parse(text);

        Assert.Equal(alpaca, interval.ToAlpacaTimeframe());
        Assert.Equal(ours, interval.ToString());
    }

    [Fact]
    public void An_interval_alpaca_cannot_serve_says_so()
    {
        Assert.Throws<InvalidOperationException>(() => BarInterval.Parse("90m").ToAlpacaTimeframe());
    }
}

public class BarTests
{
    private static readonly DateTimeOffset T = new(2024, 1, 2, 14, 30, 0, TimeSpan.Zero);

    [Fact]
    public void A_consistent_bar_is_valid()
    {
        Assert.Null(new Bar(T, 10m, 11m, 9m, 10.5m, 100, 5, 10.2m).Validate());
    }

    [Theory]
    [InlineData(10, 9, 11, 10, 100, "high must be >= low")]
    [InlineData(12, 11, 9, 10, 100, "open must lie between low and high")]
    [InlineData(10, 11, 9, 8, 100, "close must lie between low and high")]
    [InlineData(10, 11, 9, 10, -1, "volume must not be negative")]
    [InlineData(0, 11, 9, 10, 1, "prices must be positive")]
    public void An_inconsistent_bar_names_the_broken_rule(double open, double high, double low, double close, long volume, string rule)
    {
        var bar = new Bar(T, (decimal)open, (decimal)high, (decimal)low, (decimal)close, volume, 1, 10m);

        Assert.Equal(rule, bar.Validate());
    }

    [Fact]
    public void A_timestamp_that_is_not_utc_is_refused()
    {
        var bar = new Bar(new DateTimeOffset(2024, 1, 2, 9, 30, 0, TimeSpan.FromHours(-5)), 10m, 11m, 9m, 10m, 1, 1, 10m);

        Assert.Equal("timestamp must be UTC", bar.Validate());
    }
}
