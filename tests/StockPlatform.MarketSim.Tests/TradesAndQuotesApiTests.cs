using System.Net;
using System.Text;
using System.Text.Json;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketSim.Tests.Support;

namespace StockPlatform.MarketSim.Tests;

/// <summary>
/// <c>/v2/stocks/{symbol}/trades</c>, <c>/v2/stocks/trades</c> and the quote endpoints: Alpaca's
/// JSON, exact paging in both orders, the bars endpoints' parameter rules and error bodies.
/// </summary>
public class TradesAndQuotesApiTests
{
    private static readonly DateTimeOffset Start = new(2024, 3, 8, 14, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset End = new(2024, 3, 8, 15, 0, 0, TimeSpan.Zero);
    private const string Range = "start=2024-03-08T14:30:00Z&end=2024-03-08T15:00:00Z";

    [Fact]
    public async Task A_trade_row_has_alpaca_s_fields_and_nanosecond_time()
    {
        await using var sim = await SimHost.StartAsync();

        var response = await sim.GetAsync($"/v2/stocks/SPY/trades?{Range}&limit=3");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var root = response.Root;
        Assert.Equal(["trades", "symbol", "next_page_token"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("SPY", root.GetProperty("symbol").GetString());
        var rows = root.GetProperty("trades").EnumerateArray().ToList();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.Equal(["t", "x", "p", "s", "c", "i", "z"], r.EnumerateObject().Select(p => p.Name));
            Assert.Matches(@"^2024-03-08T14:30:\d{2}\.\d{9}Z$", r.GetProperty("t").GetString());
            Assert.Equal(JsonValueKind.Number, r.GetProperty("p").ValueKind);
            Assert.Equal("B", r.GetProperty("z").GetString());
        });
        Assert.Equal(sim.Market.GetTrades("SPY", "sip", Start, End).Take(3), rows.Select(AlpacaJsonReader.ReadTrade));
    }

    [Fact]
    public async Task A_quote_row_has_alpaca_s_fields()
    {
        await using var sim = await SimHost.StartAsync();

        var response = await sim.GetAsync($"/v2/stocks/SPY/quotes?{Range}&limit=3&feed=iex");

        var root = response.Root;
        Assert.Equal(["quotes", "symbol", "next_page_token"], root.EnumerateObject().Select(p => p.Name));
        var rows = root.GetProperty("quotes").EnumerateArray().ToList();
        Assert.All(rows, r =>
        {
            Assert.Equal(["t", "ax", "ap", "as", "bx", "bp", "bs", "c", "z"], r.EnumerateObject().Select(p => p.Name));
            Assert.Equal(("V", "V"), (r.GetProperty("ax").GetString(), r.GetProperty("bx").GetString()));
            Assert.Equal(["R"], r.GetProperty("c").EnumerateArray().Select(c => c.GetString()));
        });
        Assert.Equal(sim.Market.GetQuotes("SPY", "iex", Start, End).Take(3), rows.Select(AlpacaJsonReader.ReadQuote));
    }

    [Theory]
    [InlineData("trades", "asc", 997)]
    [InlineData("trades", "desc", 1000)]
    [InlineData("quotes", "asc", 1500)]
    [InlineData("quotes", "desc", 10000)]
    public async Task Single_symbol_pages_return_every_row_once_in_either_order(string kind, string sort, int limit)
    {
        await using var sim = await SimHost.StartAsync();

        var pages = await sim.GetAllPagesAsync($"/v2/stocks/AAPL/{kind}?{Range}&limit={limit}&sort={sort}");

        var expected = kind == "trades"
            ? sim.Market.GetTrades("AAPL", "sip", Start, End).Select(t => t.Time).ToList()
            : sim.Market.GetQuotes("AAPL", "sip", Start, End).Select(q => q.Time).ToList();
        if (sort == "desc") expected.Reverse();
        var times = pages.SelectMany(p => AlpacaJsonReader.ReadRows(p, kind, e => NanoTime.Parse(e.GetProperty("t").GetString()!))).Select(r => r.Row).ToList();
        Assert.True(expected.Count > 1500, $"only {expected.Count} rows");
        Assert.Equal(expected, times);
        Assert.All(pages[..^1], p => Assert.Equal(limit, p.GetProperty(kind).GetArrayLength()));
        Assert.Equal(JsonValueKind.Null, pages[^1].GetProperty("next_page_token").ValueKind);
    }

    [Fact]
    public async Task Multi_symbol_pages_go_by_symbol_then_time_with_the_limit_over_all_symbols()
    {
        await using var sim = await SimHost.StartAsync();

        var pages = await sim.GetAllPagesAsync($"/v2/stocks/trades?symbols=QQQ,XYZW,AAPL&{Range}&limit=400");
        var rows = pages.SelectMany(p => AlpacaJsonReader.ReadRows(p, "trades", AlpacaJsonReader.ReadTrade)).ToList();

        var expected = new[] { "AAPL", "QQQ", "XYZW" }.SelectMany(s => sim.Market.GetTrades(s, "sip", Start, End).Select(t => (s, t))).ToList();
        Assert.Equal(expected, rows);
        Assert.All(pages[..^1], p => Assert.Equal(400, p.GetProperty("trades").EnumerateObject().Sum(s => s.Value.GetArrayLength())));
        Assert.Contains(pages, p => p.GetProperty("trades").EnumerateObject().Count() == 2);
    }

    [Fact]
    public async Task Descending_multi_symbol_quote_pages_keep_the_symbol_order_and_reverse_time()
    {
        await using var sim = await SimHost.StartAsync();

        var pages = await sim.GetAllPagesAsync($"/v2/stocks/quotes?symbols=ZNGA,MSFT&{Range}&limit=777&sort=desc&feed=iex");
        var rows = pages.SelectMany(p => AlpacaJsonReader.ReadRows(p, "quotes", AlpacaJsonReader.ReadQuote)).ToList();

        var expected = new[] { "MSFT", "ZNGA" }.SelectMany(s => sim.Market.GetQuotes(s, "iex", Start, End).Reverse().Select(q => (s, q))).ToList();
        Assert.Equal(expected, rows);
    }

    [Fact]
    public async Task Symbols_without_rows_are_absent_and_an_empty_single_symbol_page_is_an_empty_list()
    {
        await using var sim = await SimHost.StartAsync();
        // A Saturday: nothing trades.
        const string Saturday = "start=2024-03-09&end=2024-03-09";

        var multi = await sim.GetAsync($"/v2/stocks/trades?symbols=SPY,QQQ&{Saturday}");
        var mixed = await sim.GetAsync($"/v2/stocks/trades?symbols=SPY,QQQ&start=2024-03-08T23:00:00Z&end=2024-03-09T01:00:00Z&feed=iex");
        var single = await sim.GetAsync($"/v2/stocks/SPY/quotes?{Saturday}");

        Assert.Equal("""{"trades":{},"next_page_token":null}""", multi.Body);
        Assert.Equal("""{"quotes":[],"symbol":"SPY","next_page_token":null}""", single.Body);
        var present = mixed.Root.GetProperty("trades").EnumerateObject().Select(p => p.Name).ToList();
        var expected = new[] { "QQQ", "SPY" }.Where(s => sim.Market.GetTrades(s, "iex", new DateTimeOffset(2024, 3, 8, 23, 0, 0, TimeSpan.Zero), new DateTimeOffset(2024, 3, 9, 1, 0, 0, TimeSpan.Zero)).Count > 0).ToList();
        Assert.Equal(expected, present);
    }

    [Fact]
    public async Task Start_and_end_are_inclusive_to_the_nanosecond()
    {
        await using var sim = await SimHost.StartAsync();
        var trades = sim.Market.GetTrades("SPY", "sip", Start, End);
        var (first, second) = (trades[10].Time, trades[11].Time);

        var from = await sim.GetAsync($"/v2/stocks/SPY/trades?start={first}&end={second}");
        var before = await sim.GetAsync($"/v2/stocks/SPY/trades?start={first}&end={new NanoTime(second.UnixNanoseconds - 1)}");
        var after = await sim.GetAsync($"/v2/stocks/SPY/trades?start={new NanoTime(first.UnixNanoseconds + 1)}&end={second}");

        Assert.Equal([first, second], Times(from));
        Assert.Equal([first], Times(before));
        Assert.Equal([second], Times(after));

        static List<NanoTime> Times(ApiResponse response) =>
            response.Root.GetProperty("trades").EnumerateArray().Select(t => NanoTime.Parse(t.GetProperty("t").GetString()!)).ToList();
    }

    [Fact]
    public async Task Nothing_after_the_simulated_clock_is_served_and_the_default_range_is_today_so_far()
    {
        await using var sim = await SimHost.StartAsync(new() { ["MarketSim:Stream:Start"] = "2024-03-08T15:00:30Z" });
        var now = new DateTimeOffset(2024, 3, 8, 15, 0, 30, TimeSpan.Zero);

        var explicitRange = await sim.GetAllPagesAsync("/v2/stocks/SPY/trades?start=2024-03-08T14:59:00Z&end=2024-03-09&limit=10000");
        var defaults = await sim.GetAsync("/v2/stocks/SPY/quotes?sort=desc&limit=5");

        var trades = explicitRange.SelectMany(p => AlpacaJsonReader.ReadRows(p, "trades", AlpacaJsonReader.ReadTrade)).Select(r => r.Row).ToList();
        var clock = NanoTime.From(sim.Clock.Now);
        Assert.All(trades, t => Assert.True(t.Time <= clock));
        Assert.Equal(sim.Market.GetTrades("SPY", "sip", new DateTimeOffset(2024, 3, 8, 14, 59, 0, TimeSpan.Zero), now), trades.Where(t => t.Time <= NanoTime.From(now)));
        var latest = AlpacaJsonReader.ReadQuote(defaults.Root.GetProperty("quotes")[0]);
        Assert.True(latest.Time <= clock && latest.Time > NanoTime.From(now.AddSeconds(-60)), $"latest quote at {latest.Time}");
    }

    [Fact]
    public async Task A_far_future_end_reads_as_until_now()
    {
        await using var sim = await SimHost.StartAsync(new() { ["MarketSim:Stream:Start"] = "2024-03-08T15:00:30Z" });

        var dated = await sim.GetAsync("/v2/stocks/SPY/trades?start=2024-03-08T14:59:00Z&end=2999-12-31&limit=5&sort=desc");
        var timed = await sim.GetAsync("/v2/stocks/SPY/quotes?start=2024-03-08T14:59:00Z&end=2999-12-31T00:00:00.123456789Z&limit=5");

        Assert.Equal(HttpStatusCode.OK, dated.Status);
        Assert.Equal(HttpStatusCode.OK, timed.Status);
        Assert.Equal(5, dated.Root.GetProperty("trades").GetArrayLength());
        Assert.True(AlpacaJsonReader.ReadTrade(dated.Root.GetProperty("trades")[0]).Time <= NanoTime.From(sim.Clock.Now));
        Assert.Equal(5, timed.Root.GetProperty("quotes").GetArrayLength());
        Assert.Equal(
            sim.Market.GetTrades("SPY", "sip", new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2000, 1, 3, 15, 0, 0, TimeSpan.Zero)),
            sim.Market.GetTrades("SPY", "sip", DateTimeOffset.MinValue, new DateTimeOffset(2000, 1, 3, 15, 0, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("trades", "start=yesterday", "invalid start")]
    [InlineData("trades", "start=2024-03-08T14:30:00", "invalid start")]
    [InlineData("quotes", "end=2024-3-8", "invalid end")]
    [InlineData("quotes", "start=2024-03-09&end=2024-03-08", "end should not be before start")]
    [InlineData("trades", "start=2024-03-08T14:30:00.000000002Z&end=2024-03-08T14:30:00.000000001Z", "end should not be before start")]
    [InlineData("trades", "limit=0", "invalid limit")]
    [InlineData("quotes", "limit=10001", "invalid limit")]
    [InlineData("trades", "limit=ten", "invalid limit")]
    [InlineData("quotes", "sort=up", "invalid sort")]
    public async Task Malformed_parameters_get_422_with_the_bars_endpoints_messages(string kind, string parameters, string message)
    {
        await using var sim = await SimHost.StartAsync();

        var single = await sim.GetAsync($"/v2/stocks/SPY/{kind}?{parameters}");
        var multi = await sim.GetAsync($"/v2/stocks/{kind}?symbols=SPY&{parameters}");
        var bars = await sim.GetAsync($"/v2/stocks/SPY/bars?timeframe=1Min&{parameters}");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, single.Status);
        Assert.StartsWith(message, single.Root.GetProperty("message").GetString());
        Assert.Equal(single.Body, multi.Body);
        if (!parameters.Contains(".0000", StringComparison.Ordinal)) Assert.Equal(bars.Body, single.Body);
    }

    [Theory]
    [InlineData("/v2/stocks/INVALID/trades", """{"code":40010001,"message":"invalid symbol: INVALID"}""")]
    [InlineData("/v2/stocks/quotes?symbols=SPY,INVALID", """{"code":40010001,"message":"invalid symbol: INVALID"}""")]
    [InlineData("/v2/stocks/trades", """{"code":40010001,"message":"missing symbols"}""")]
    [InlineData("/v2/stocks/SPY/trades?feed=otc", """{"code":40010001,"message":"invalid feed"}""")]
    [InlineData("/v2/stocks/SPY/quotes?page_token=not%20base64!", """{"code":40010001,"message":"invalid page token"}""")]
    public async Task Bad_symbols_feeds_and_tokens_get_400(string url, string body)
    {
        await using var sim = await SimHost.StartAsync();

        var response = await sim.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(body, response.Body);
    }

    [Fact]
    public async Task A_bars_token_or_another_symbol_s_token_is_refused()
    {
        await using var sim = await SimHost.StartAsync();
        var barsToken = Convert.ToBase64String(Encoding.UTF8.GetBytes($"SPY|{Start.UtcTicks}"));
        var page = await sim.GetAsync($"/v2/stocks/QQQ/trades?{Range}&limit=5");
        var qqqToken = page.Root.GetProperty("next_page_token").GetString()!;

        var withBarsToken = await sim.GetAsync($"/v2/stocks/SPY/trades?{Range}&page_token={Uri.EscapeDataString(barsToken)}");
        var withOtherSymbol = await sim.GetAsync($"/v2/stocks/SPY/trades?{Range}&page_token={Uri.EscapeDataString(qqqToken)}");

        Assert.Equal(HttpStatusCode.BadRequest, withBarsToken.Status);
        Assert.Equal(HttpStatusCode.BadRequest, withOtherSymbol.Status);
    }

    [Fact]
    public async Task Keys_the_rate_limit_and_symbol_faults_apply_as_on_the_bars_endpoints()
    {
        await using var sim = await SimHost.StartAsync(new() { ["MarketSim:Faults:Symbols:TSLA"] = "500@2024-03-08" });
        using var anonymous = sim.CreateClient(null, null);

        var unauthorized = await SimHost.GetAsync(anonymous, $"/v2/stocks/SPY/trades?{Range}");
        var faulted = await sim.GetAsync($"/v2/stocks/quotes?symbols=SPY,TSLA&{Range}");
        var otherDay = await sim.GetAsync("/v2/stocks/TSLA/trades?start=2024-03-07&end=2024-03-07&limit=1");

        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.Status);
        Assert.True(unauthorized.Headers.ContainsKey("X-RateLimit-Remaining"));
        Assert.Equal(HttpStatusCode.InternalServerError, faulted.Status);
        Assert.Equal(HttpStatusCode.OK, otherDay.Status);
        Assert.True(otherDay.Headers.ContainsKey("X-RateLimit-Limit"));
    }

    [Fact]
    public async Task Currency_is_echoed_and_asof_is_accepted()
    {
        await using var sim = await SimHost.StartAsync();

        var plain = await sim.GetAsync($"/v2/stocks/SPY/trades?{Range}&limit=2");
        var withCurrency = await sim.GetAsync($"/v2/stocks/trades?symbols=SPY&{Range}&limit=2&currency=USD&asof=2024-03-08");

        Assert.Equal("USD", withCurrency.Root.GetProperty("currency").GetString());
        Assert.False(plain.Root.TryGetProperty("currency", out _));
        Assert.Equal(plain.Root.GetProperty("trades").GetRawText(), withCurrency.Root.GetProperty("trades").GetProperty("SPY").GetRawText());
    }
}
