using StockPlatform.Frontend.Display;

namespace StockPlatform.Frontend.Tests;

public sealed class TickerListTests
{
    [Theory]
    [InlineData("SPY", new[] { "SPY" })]
    [InlineData("spy, qqq  aapl", new[] { "SPY", "QQQ", "AAPL" })]
    [InlineData("BRK.B;BF/B\nSPY,SPY", new[] { "BRK.B", "BF/B", "SPY" })]
    public void Tickers_are_split_upper_cased_and_deduplicated_in_order(string text, string[] expected)
    {
        var list = TickerList.Parse(text);

        Assert.True(list.IsValid, string.Join("; ", list.Errors));
        Assert.Equal(expected, list.Symbols);
        Assert.Null(TickerList.Validate(text));
    }

    [Theory]
    [InlineData("", "at least one symbol")]
    [InlineData("   ,  ", "at least one symbol")]
    [InlineData("SPY, S&P", "contains '&'")]
    [InlineData("ABCDEFGHIJKLM", "13 characters")]
    [InlineData("SPY 'DROP", "contains '''")]
    public void Bad_tickers_are_refused_with_the_gateways_rule(string text, string expected)
    {
        var list = TickerList.Parse(text);

        Assert.False(list.IsValid);
        Assert.Contains(list.Errors, error => error.Contains(expected, StringComparison.Ordinal));
        Assert.Contains(expected, TickerList.Validate(text));
    }

    [Fact]
    public void More_symbols_than_one_job_takes_are_refused()
    {
        var text = string.Join(',', Enumerable.Range(0, TickerList.MaxSymbols + 1).Select(i => $"S{i}"));

        var list = TickerList.Parse(text);

        Assert.False(list.IsValid);
        Assert.Contains(list.Errors, error => error.Contains("at most 1000", StringComparison.Ordinal));
    }
}
