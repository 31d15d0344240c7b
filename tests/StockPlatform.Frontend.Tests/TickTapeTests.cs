using Bunit;
using StockPlatform.Frontend.Components.Shared;
using StockPlatform.Frontend.Gateway;
using StockPlatform.Frontend.Tests.Fakes;

namespace StockPlatform.Frontend.Tests;

public sealed class TickTapeTests : PageTestContext
{
    private static readonly string Trades = GatewayJson.Trades("SPY",
        GatewayJson.Trade("2024-01-02T14:30:00.123456789Z", 187.1512m, 1200, "V", "\"@\",\"I\""),
        GatewayJson.Trade("2024-01-02T14:29:59.000001000Z", 187.15m, 100, "P", ""));

    private static readonly string Quotes = GatewayJson.Quotes("SPY",
        GatewayJson.Quote("2024-01-02T14:30:00.500000001Z", 187.14m, 2, 187.16m, 3),
        GatewayJson.Quote("2024-01-02T14:30:00.400000000Z", 0m, 0, 187.17m, 1));

    [Fact]
    public void The_trades_tab_lists_the_latest_fifty_newest_first_in_New_York_time_to_the_microsecond()
    {
        Gateway.On(HttpMethod.Get, "/trades/SPY", Trades);

        var tape = RenderPage<TickTape>(("Symbol", "SPY"));

        tape.WaitForElement(".tape-trades");
        var request = Assert.Single(Gateway.To(HttpMethod.Get, "/trades/SPY"));
        Assert.Equal("/trades/SPY?limit=50&sort=desc", request.PathAndQuery);
        Assert.Empty(Gateway.To(HttpMethod.Get, "/quotes/SPY"));
        var rows = tape.FindAll(".trade-row");
        Assert.Equal(2, rows.Count);
        Assert.Equal("09:30:00.123456", rows[0].QuerySelector(".tape-time")!.TextContent.Trim());
        Assert.Equal("2024-01-02 09:30:00.123456789 ET", rows[0].QuerySelector(".tape-time span")!.GetAttribute("title"));
        Assert.Equal("187.1512", rows[0].QuerySelector(".tape-price")!.TextContent.Trim());
        Assert.Equal("1,200", rows[0].QuerySelector(".tape-size")!.TextContent.Trim());
        Assert.Equal("IEX", rows[0].QuerySelector(".tape-exchange abbr")!.GetAttribute("title"));
        Assert.Equal("@ I", rows[0].QuerySelector(".tape-conditions")!.TextContent.Trim());
        Assert.Equal("09:29:59.000001", rows[1].QuerySelector(".tape-time")!.TextContent.Trim());
        Assert.Equal("187.15", rows[1].QuerySelector(".tape-price")!.TextContent.Trim());
        Assert.Contains("2024-01-02", tape.Find(".tape-caption").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void The_quotes_tab_loads_when_chosen_and_shows_both_sides_and_the_spread()
    {
        Gateway.On(HttpMethod.Get, "/trades/SPY", Trades).On(HttpMethod.Get, "/quotes/SPY", Quotes);
        var tape = RenderPage<TickTape>(("Symbol", "SPY"));
        tape.WaitForElement(".tape-trades");

        tape.FindAll(".mud-tab").Single(t => t.TextContent.Contains("Quotes", StringComparison.Ordinal)).Click();

        tape.WaitForElement(".tape-quotes");
        Assert.Equal("/quotes/SPY?limit=50&sort=desc", Assert.Single(Gateway.To(HttpMethod.Get, "/quotes/SPY")).PathAndQuery);
        Assert.Empty(tape.FindAll(".trade-row"));
        var rows = tape.FindAll(".quote-row");
        Assert.Equal(2, rows.Count);
        Assert.Equal("09:30:00.500000", rows[0].QuerySelector(".tape-time")!.TextContent.Trim());
        Assert.Equal("187.14 × 2", rows[0].QuerySelector(".tape-bid")!.TextContent.Trim());
        Assert.Equal("187.16 × 3", rows[0].QuerySelector(".tape-ask")!.TextContent.Trim());
        Assert.Equal("0.02", rows[0].QuerySelector(".tape-spread")!.TextContent.Trim());
        Assert.Equal("NYSE Arca", rows[0].QuerySelector(".tape-bid span")!.GetAttribute("title"));
        // No bid at all: no spread.
        Assert.Equal("—", rows[1].QuerySelector(".tape-spread")!.TextContent.Trim());
        Assert.Equal("quotes", tape.Find(".tick-tape").GetAttribute("data-tab"));
    }

    [Fact]
    public void A_live_bar_of_the_symbol_reloads_the_tape_and_another_symbols_does_not()
    {
        Gateway.On(HttpMethod.Get, "/trades/SPY", GatewayJson.Trades("SPY"));
        var tape = RenderPage<TickTape>(("Symbol", "SPY"));
        tape.WaitForElement(".tape-empty");

        RaiseEvent(LiveBar.NewKind, GatewayJson.LiveBar("QQQ", "2024-01-02T14:30:00Z", 400m, 401m, 399m, 400m, 10));
        Gateway.On(HttpMethod.Get, "/trades/SPY", Trades);
        RaiseEvent(LiveBar.NewKind, GatewayJson.LiveBar("SPY", "2024-01-02T14:30:00Z", 187m, 188m, 186m, 187m, 10));

        tape.WaitForAssertion(() => Assert.Equal(2, tape.FindAll(".trade-row").Count));
        // One reload for SPY's minute; QQQ's asked for none.
        Assert.Equal(2, Gateway.To(HttpMethod.Get, "/trades/SPY").Count);
    }

    [Fact]
    public void Without_trades_the_tape_explains_how_to_backfill_or_track_them()
    {
        Gateway.On(HttpMethod.Get, "/trades/SPY", GatewayJson.Trades("SPY")).On(HttpMethod.Get, "/quotes/SPY", GatewayJson.Quotes("SPY"));
        var tape = RenderPage<TickTape>(("Symbol", "SPY"));

        var empty = tape.WaitForElement(".tape-empty");
        Assert.Contains("No trades of SPY are stored yet.", empty.TextContent, StringComparison.Ordinal);
        Assert.Contains("“also trades”", empty.TextContent, StringComparison.Ordinal);
        Assert.Equal("ingest?symbols=SPY&data=trades", tape.Find(".tape-backfill").GetAttribute("href"));

        tape.FindAll(".mud-tab").Single(t => t.TextContent.Contains("Quotes", StringComparison.Ordinal)).Click();
        tape.WaitForAssertion(() => Assert.Contains("No quotes of SPY", tape.Find(".tape-empty").TextContent, StringComparison.Ordinal));
        Assert.Equal("ingest?symbols=SPY&data=quotes", tape.Find(".tape-backfill").GetAttribute("href"));
    }

    [Fact]
    public void A_tracked_symbols_empty_tape_says_the_stream_fills_it()
    {
        Gateway.On(HttpMethod.Get, "/trades/SPY", GatewayJson.Trades("SPY"));

        var tape = RenderPage<TickTape>(("Symbol", "SPY"), ("TradesTracked", true));

        var empty = tape.WaitForElement(".tape-empty");
        Assert.Contains("The live stream stores them", empty.TextContent, StringComparison.Ordinal);
        Assert.Empty(tape.FindAll(".tape-backfill"));
    }

    [Fact]
    public void A_gateway_refusal_shows_as_a_warning_in_the_tab()
    {
        Gateway.Problem(HttpMethod.Get, "/trades/SPY", "limit", "limit must be between 1 and 10000.");

        var tape = RenderPage<TickTape>(("Symbol", "SPY"));

        var warning = tape.WaitForElement(".tape-error");
        Assert.Contains("The trades of SPY could not be loaded", warning.TextContent, StringComparison.Ordinal);
        Assert.Empty(tape.FindAll(".trade-row"));
    }
}
