using StockPlatform.Frontend.Display;
using StockPlatform.Frontend.Gateway;

namespace StockPlatform.Frontend.Tests;

public sealed class TrackingTextTests
{
    [Fact]
    public void The_overview_says_what_the_stream_keeps_of_a_symbol()
    {
        var symbol = new SymbolInfo("SPY", null, null, 0, 0, null, Tracked: true);

        Assert.Equal("tracked", TrackingText.Live(symbol));
        Assert.Equal("tracked + trades", TrackingText.Live(symbol with { TrackedTrades = true }));
        Assert.Equal("tracked + trades, quotes", TrackingText.Live(symbol with { TrackedTrades = true, TrackedQuotes = true }));
        Assert.Equal("tracked + quotes", TrackingText.Live(symbol with { TrackedQuotes = true }));
        Assert.Equal(string.Empty, TrackingText.Live(symbol with { Tracked = false, TrackedTrades = true }));
    }
}
