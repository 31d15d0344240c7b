using System.Net;
using System.Text;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketSim.Tests.Support;

namespace StockPlatform.MarketSim.Tests;

/// <summary>Paging returns every bar exactly once, in Alpaca's order, whatever the page size.</summary>
public class PaginationTests
{
    private static readonly DateTimeOffset Start = new(2024, 3, 7, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset End = new(2024, 3, 8, 23, 59, 0, TimeSpan.Zero);
    private const string Range = "start=2024-03-07T00:00:00Z&end=2024-03-08T23:59:00Z";

    [Fact]
    public async Task Single_symbol_pages_return_every_bar_exactly_once_in_time_order()
    {
        await using var sim = await SimHost.StartAsync();

        var pages = await sim.GetAllPagesAsync($"/v2/stocks/SPY/bars?timeframe=1Min&{Range}&limit=97");
        var bars = pages.SelectMany(AlpacaJsonReader.ReadPage).Select(x => x.Bar).ToList();

        var expected = sim.Market.GetBars("SPY", "sip", BarInterval.OneMinute, Start, End);
        Assert.True(expected.Count > 1000);
        Assert.Equal(expected, bars);
        Assert.All(pages[..^1], p => Assert.Equal(97, p.GetProperty("bars").GetArrayLength()));
        Assert.InRange(pages[^1].GetProperty("bars").GetArrayLength(), 1, 97);
    }

    [Fact]
    public async Task Multi_symbol_pages_are_sorted_by_symbol_then_time_and_the_limit_spans_symbols()
    {
        await using var sim = await SimHost.StartAsync();

        var pages = await sim.GetAllPagesAsync($"/v2/stocks/bars?symbols=QQQ,ZNGA,AAPL&timeframe=1Min&{Range}&limit=250");
        var bars = pages.SelectMany(AlpacaJsonReader.ReadPage).ToList();

        var expected = new[] { "AAPL", "QQQ", "ZNGA" }
            .SelectMany(s => sim.Market.GetBars(s, "sip", BarInterval.OneMinute, Start, End).Select(b => (s, b)))
            .ToList();
        Assert.Equal(expected, bars);
        Assert.All(pages[..^1], p => Assert.Equal(250, p.GetProperty("bars").EnumerateObject().Sum(s => s.Value.GetArrayLength())));
        // Some page carries the end of one symbol and the start of the next.
        Assert.Contains(pages, p => p.GetProperty("bars").EnumerateObject().Count() == 2);
    }

    [Fact]
    public async Task Descending_pages_return_the_same_bars_newest_first()
    {
        await using var sim = await SimHost.StartAsync();

        var pages = await sim.GetAllPagesAsync($"/v2/stocks/bars?symbols=SPY,QQQ&timeframe=5Min&{Range}&limit=40&sort=desc");
        var bars = pages.SelectMany(AlpacaJsonReader.ReadPage).ToList();

        var expected = new[] { "QQQ", "SPY" }
            .SelectMany(s => sim.Market.GetBars(s, "sip", BarInterval.FiveMinutes, Start, End).Reverse().Select(b => (s, b)))
            .ToList();
        Assert.Equal(expected, bars);
    }

    [Fact]
    public async Task Page_tokens_are_stable_for_the_same_query()
    {
        await using var sim = await SimHost.StartAsync();

        var first = await sim.GetAllPagesAsync($"/v2/stocks/SPY/bars?timeframe=1Min&{Range}&limit=500");
        var second = await sim.GetAllPagesAsync($"/v2/stocks/SPY/bars?timeframe=1Min&{Range}&limit=500");

        Assert.Equal(first.Select(p => p.GetRawText()), second.Select(p => p.GetRawText()));
        Assert.All(first[..^1], p => Assert.False(string.IsNullOrEmpty(p.GetProperty("next_page_token").GetString())));
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("QUJD")] // "ABC": no separator
    [InlineData("U1BZfGxhdGVy")] // "SPY|later": not a timestamp
    public async Task A_malformed_page_token_is_refused(string token)
    {
        await using var sim = await SimHost.StartAsync();

        var response = await sim.GetAsync($"/v2/stocks/SPY/bars?timeframe=1Min&{Range}&page_token={Uri.EscapeDataString(token)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid page token", response.Root.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_token_for_another_symbol_is_refused_by_the_single_symbol_endpoint()
    {
        await using var sim = await SimHost.StartAsync();
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"QQQ|{Start.UtcTicks}"));

        var response = await sim.GetAsync($"/v2/stocks/SPY/bars?timeframe=1Min&{Range}&page_token={Uri.EscapeDataString(token)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
    }
}
