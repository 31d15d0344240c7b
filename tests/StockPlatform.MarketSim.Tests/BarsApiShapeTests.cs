using System.IO.Compression;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using StockPlatform.MarketSim.Tests.Support;

namespace StockPlatform.MarketSim.Tests;

/// <summary>The bar endpoints answer in exactly Alpaca's JSON shapes (compare alpaca-samples A to D).</summary>
public class BarsApiShapeTests
{
    private static readonly string[] BarFields = ["t", "o", "h", "l", "c", "v", "n", "vw"];

    [Fact]
    public async Task A_single_symbol_page_has_bars_symbol_and_a_null_token_at_the_end()
    {
        await using var sim = await SimHost.StartAsync();

        var response = await sim.GetAsync("/v2/stocks/SPY/bars?timeframe=1Min&start=2024-03-08T14:30:00Z&end=2024-03-08T14:39:00Z");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.NotNull(response.Json);
        var root = response.Root;
        Assert.Equal(["bars", "symbol", "next_page_token"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("SPY", root.GetProperty("symbol").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("next_page_token").ValueKind);
        var bars = root.GetProperty("bars").EnumerateArray().ToList();
        Assert.InRange(bars.Count, 9, 10);
        foreach (var bar in bars)
        {
            Assert.Equal(BarFields, bar.EnumerateObject().Select(p => p.Name));
            Assert.Matches(@"^2024-03-08T14:3\d:00Z$", bar.GetProperty("t").GetString());
            Assert.Equal(JsonValueKind.Number, bar.GetProperty("o").ValueKind);
            Assert.True(bar.GetProperty("v").TryGetInt64(out _));
            Assert.True(bar.GetProperty("n").TryGetInt64(out _));
        }
    }

    [Fact]
    public async Task A_multi_symbol_page_groups_bars_by_symbol_in_symbol_order()
    {
        await using var sim = await SimHost.StartAsync();

        var response = await sim.GetAsync("/v2/stocks/bars?symbols=TSLA,AAPL&timeframe=1Day&start=2024-03-04&end=2024-03-08");

        var root = response.Root;
        Assert.Equal(["bars", "next_page_token"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["AAPL", "TSLA"], root.GetProperty("bars").EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("next_page_token").ValueKind);
        foreach (var symbol in root.GetProperty("bars").EnumerateObject())
        {
            // Daily bars are labelled New York midnight: 05:00Z in winter time (the week before the DST switch).
            Assert.Equal(["2024-03-04T05:00:00Z", "2024-03-05T05:00:00Z", "2024-03-06T05:00:00Z", "2024-03-07T05:00:00Z", "2024-03-08T05:00:00Z"],
                symbol.Value.EnumerateArray().Select(b => b.GetProperty("t").GetString()));
        }
    }

    [Fact]
    public async Task Daily_bars_in_summer_are_labelled_four_in_the_morning_utc()
    {
        await using var sim = await SimHost.StartAsync();

        var bars = (await sim.GetAsync("/v2/stocks/SPY/bars?timeframe=1D&start=2024-07-01&end=2024-07-02")).Root.GetProperty("bars");

        Assert.Equal(["2024-07-01T04:00:00Z", "2024-07-02T04:00:00Z"], bars.EnumerateArray().Select(b => b.GetProperty("t").GetString()));
    }

    [Fact]
    public async Task Empty_results_are_an_empty_array_or_object_and_a_null_token()
    {
        await using var sim = await SimHost.StartAsync();

        var single = await sim.GetAsync("/v2/stocks/SPY/bars?timeframe=1Min&start=2024-07-04&end=2024-07-04");
        var multi = await sim.GetAsync("/v2/stocks/bars?symbols=SPY,QQQ&timeframe=1Min&start=2024-07-06&end=2024-07-07");

        Assert.Equal("""{"bars":[],"symbol":"SPY","next_page_token":null}""", single.Body);
        Assert.Equal("""{"bars":{},"next_page_token":null}""", multi.Body);
    }

    [Fact]
    public async Task Prices_are_plain_numbers_without_trailing_zeros_and_whole_prices_are_integers()
    {
        await using var sim = await SimHost.StartAsync();

        var pages = await sim.GetAllPagesAsync("/v2/stocks/bars?symbols=SPY,AMD,ZNGA&timeframe=1Min&start=2024-03-01&end=2024-03-31&limit=10000");

        var prices = pages
            .SelectMany(p => p.GetProperty("bars").EnumerateObject())
            .SelectMany(s => s.Value.EnumerateArray())
            .SelectMany(b => new[] { "o", "h", "l", "c", "vw" }.Select(f => b.GetProperty(f).GetRawText()))
            .ToList();
        Assert.True(prices.Count > 50_000, $"only {prices.Count} prices");
        Assert.DoesNotContain(prices, p => Regex.IsMatch(p, @"\.\d*0$") || p.Contains('e', StringComparison.OrdinalIgnoreCase));
        Assert.Contains(prices, p => !p.Contains('.'));
    }

    [Fact]
    public async Task Currency_is_echoed_and_every_adjustment_is_accepted()
    {
        await using var sim = await SimHost.StartAsync();
        const string Range = "timeframe=1Hour&start=2024-03-08T14:00:00Z&end=2024-03-08T16:00:00Z";

        var raw = await sim.GetAsync($"/v2/stocks/SPY/bars?{Range}");
        var withCurrency = await sim.GetAsync($"/v2/stocks/SPY/bars?{Range}&currency=USD&asof=2024-03-08");

        Assert.Equal("USD", withCurrency.Root.GetProperty("currency").GetString());
        Assert.False(raw.Root.TryGetProperty("currency", out _));
        // SPY has no corporate action after 2023 in this seed, so every adjustment leaves its
        // 2024 bars raw (SplitsAndAdjustmentTests covers symbols that have some).
        Assert.Empty(sim.Market.GetCorporateActions("SPY", new DateOnly(2024, 3, 8), new DateOnly(2025, 6, 2)));
        foreach (var adjustment in new[] { "raw", "split", "dividend", "spin-off", "all", "split,spin-off" })
        {
            var adjusted = await sim.GetAsync($"/v2/stocks/SPY/bars?{Range}&adjustment={adjustment}");
            Assert.Equal(raw.Body, adjusted.Body);
        }
    }

    [Fact]
    public async Task Responses_are_gzip_compressed_when_the_client_accepts_it()
    {
        await using var sim = await SimHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/stocks/SPY/bars?timeframe=1Min&start=2024-03-08&end=2024-03-08");
        request.Headers.AcceptEncoding.ParseAdd("gzip");

        using var response = await sim.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        await using var gzip = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        using var document = await JsonDocument.ParseAsync(gzip);
        Assert.True(document.RootElement.GetProperty("bars").GetArrayLength() > 500);
    }

    [Fact]
    public async Task The_root_page_says_the_data_is_synthetic()
    {
        await using var sim = await SimHost.StartAsync();
        using var anonymous = sim.CreateClient(null, null);

        using var response = await anonymous.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("SYNTHETIC", await response.Content.ReadAsStringAsync());
    }
}
