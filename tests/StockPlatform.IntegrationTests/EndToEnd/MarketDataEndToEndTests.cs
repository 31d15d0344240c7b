using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Ticks;
using StockPlatform.Testing;

namespace StockPlatform.IntegrationTests.EndToEnd;

/// <summary>
/// Issue 18's acceptance checks through the whole platform (gateway, RabbitMQ, the ingestion
/// agent as a process, MarketSim, PostgreSQL): trades rebuild the stored bars through our own
/// aggregation, and adjusted bars equal MarketSim's adjusted series across a split and dividends.
/// </summary>
public class MarketDataEndToEndTests
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(180);

    private static DateTimeOffset NyStart(string date) => NewYorkTime.StartOfDay(DateOnly.Parse(date, CultureInfo.InvariantCulture));

    private static DateTimeOffset NyEnd(string date) => NyStart(date).AddDays(1).AddTicks(-1);

    private static async Task<Guid> StartJobAsync(PlatformStack stack, string symbol, string start, string end, params string[] data)
    {
        using var response = await stack.Client.PostAsJsonAsync("/jobs", new { symbols = new[] { symbol }, start, end, feed = "iex", data });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /jobs answered {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("job_id").GetGuid();
    }

    [Fact]
    public async Task The_trades_of_a_session_rebuilt_into_minute_bars_equal_the_stored_bars_for_every_minute()
    {
        await using var stack = await PlatformStack.StartAsync();
        await stack.StartFeatureAgentAsync();
        const string day = "2024-03-05";

        var job = await stack.WaitForJobAsync(await StartJobAsync(stack, "SPY", day, day, "bars", "trades"), JobTimeout);
        Assert.Equal("succeeded", job.GetProperty("status").GetString());

        var trades = stack.Gateway.Services.GetRequiredService<TradeStore>();
        var stored = await trades.ReadAsync(Symbol.Parse("SPY"), NyStart(day), NyEnd(day), 1_000_000);
        Assert.Equal(stack.Market.GetTrades("SPY", "iex", NyStart(day), NyEnd(day)), stored);

        var bars = await stack.ReadMinutesAsync("SPY", day, day);
        var rebuilt = await trades.AggregateMinutesAsync(Symbol.Parse("SPY"), NyStart(day), NyStart(day).AddDays(1));
        Assert.True(bars.Count > 300, $"a liquid session has bars in most minutes, not {bars.Count}");
        Assert.Equal(bars, rebuilt);

        // The whole day's trades are announced and archived as a partition of their own.
        var deadline = DateTime.UtcNow + JobTimeout;
        while (true)
        {
            var partitions = await stack.GetJsonAsync("/archive/partitions?symbol=SPY&dataset=trades");
            if (partitions.GetProperty("partitions").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } partition)
            {
                Assert.Equal(day, partition.GetProperty("session").GetString());
                Assert.Equal(stored.Count, partition.GetProperty("rows").GetInt32());
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, $"no trades partition of SPY: {partitions}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Adjusted_bars_equal_marketsims_adjusted_series_across_a_split_and_a_dividend_in_every_mode()
    {
        await using var stack = await PlatformStack.StartAsync();
        // ABCD pays a dividend (ex 2024-10-14) and splits 4:1 (ex 2024-11-11) under MarketSim's default seed.
        const string symbol = "ABCD";
        const string start = "2024-10-09";
        const string end = "2024-11-13";
        var actions = stack.Market.GetCorporateActions(symbol, new DateOnly(2024, 10, 9), new DateOnly(2024, 11, 13));
        Assert.Contains(actions, a => a.Type == "forward_split");
        Assert.Contains(actions, a => a.Type == "cash_dividend");

        var job = await stack.WaitForJobAsync(await StartJobAsync(stack, symbol, start, end, "bars"), JobTimeout);
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        // The backfill queues a refresh of the symbol's actions from its start to today.
        var deadline = DateTime.UtcNow + JobTimeout;
        while ((await stack.GetJsonAsync($"/corporate-actions/{symbol}")).GetProperty("refreshed_at").ValueKind == JsonValueKind.Null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no corporate actions refresh of {symbol}. Agent output:\n{stack.Agent?.Tail(100)}");
            await Task.Delay(200);
        }

        var today = NewYorkTime.DateOf(DateTimeOffset.UtcNow);
        foreach (var mode in new[] { "raw", "split", "dividend", "all" })
        {
            foreach (var interval in new[] { BarInterval.OneMinute, BarInterval.Parse("1d") })
            {
                var truth = stack.Market.GetBars(symbol, "iex", interval, NyStart(start), NyEnd(end), null, mode, today);
                var served = await ReadAllAsync(stack, $"/bars/{symbol}?interval={interval}&start={start}&end={end}&adjustment={mode}&limit=10000");
                Assert.True(truth.Count > 0);
                if (interval == BarInterval.OneMinute)
                {
                    Assert.Equal(truth, served);
                    continue;
                }
                // A daily bar's vwap differs by design in its last decimals: Alpaca (and MarketSim)
                // weigh every trade of the day, the platform the day's minute vwaps (design.md's aggregation rule).
                Assert.Equal(truth.Select(b => b with { Vwap = 0 }), served.Select(b => b with { Vwap = 0 }));
                Assert.All(truth.Zip(served), pair => Assert.InRange(Math.Abs(pair.First.Vwap - pair.Second.Vwap), 0m, 0.0002m));
            }
        }

        // The split shows: raw closes fall by about four at the ex-date, split-adjusted ones do not.
        var rawDaily = await ReadAllAsync(stack, $"/bars/{symbol}?interval=1d&start=2024-11-08&end=2024-11-11");
        var splitDaily = await ReadAllAsync(stack, $"/bars/{symbol}?interval=1d&start=2024-11-08&end=2024-11-11&adjustment=split");
        Assert.InRange(rawDaily[0].Close / rawDaily[1].Close, 3m, 5.5m);
        Assert.InRange(splitDaily[0].Close / splitDaily[1].Close, 0.75m, 1.35m);
    }

    private static async Task<List<Bar>> ReadAllAsync(PlatformStack stack, string url)
    {
        var bars = new List<Bar>();
        string? token = null;
        do
        {
            var body = await stack.Client.GetStringAsync(url + (token is null ? string.Empty : $"&page_token={Uri.EscapeDataString(token)}"));
            bars.AddRange(GatewayBars.Parse(body));
            using var json = JsonDocument.Parse(body);
            token = json.RootElement.GetProperty("next_page_token").GetString();
        }
        while (token is not null);
        return bars;
    }
}
