using System.Diagnostics;
using System.Net;
using StockPlatform.MarketData.Alpaca.Errors;
using StockPlatform.MarketData.Alpaca.Rest;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketData.Tests.Support;
using StockPlatform.MarketSim.Data;
using Microsoft.Extensions.DependencyInjection;

namespace StockPlatform.MarketData.Tests.AgainstMarketSim;

/// <summary>The REST client against MarketSim over real HTTP: paging, throttling, retries, typed errors.</summary>
public class RestClientTests
{
    private static readonly Symbol Spy = Symbol.Parse("SPY");

    // Two weeks across the March DST switch.
    private static readonly DateTimeOffset From = new(2024, 3, 4, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2024, 3, 15, 23, 59, 0, TimeSpan.Zero);

    private static Dictionary<string, string?> PageSize(int size) => new() { ["Alpaca:PageSize"] = size.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    [Fact]
    public async Task A_multi_page_backfill_returns_every_bar_exactly_once_in_order()
    {
        await using var sim = await SimServer.StartAsync();
        using var clients = Clients.For(sim.BaseUri, PageSize(500));
        var truth = sim.Services.GetRequiredService<SyntheticMarket>().GetBars("SPY", "iex", BarInterval.OneMinute, From, To);

        var pages = new List<BarPage>();
        await foreach (var page in clients.Rest.GetBarPagesAsync(BarsRequest.For(Spy, BarInterval.OneMinute, From, To))) pages.Add(page);
        var paged = pages.SelectMany(p => p.Bars).Select(b => b.Bar).ToList();

        Assert.Equal((truth.Count + 499) / 500, pages.Count);
        Assert.True(pages.Count >= 10, $"expected many pages, got {pages.Count}");
        Assert.True(pages[^1].IsLast);
        Assert.All(pages[..^1], page => Assert.Equal(500, page.Bars.Count));
        Assert.Equal(truth, paged);
        Assert.Equal(paged.Count, paged.Select(b => b.Timestamp).Distinct().Count());
        Assert.True(paged.Zip(paged.Skip(1)).All(pair => pair.First.Timestamp < pair.Second.Timestamp));
        Assert.All(paged, bar => Assert.InRange(bar.Timestamp, From, To));
        Assert.All(paged, bar => Assert.Null(bar.Validate()));
    }

    [Fact]
    public async Task Multi_symbol_pages_give_each_symbol_the_same_bars_as_its_own_query()
    {
        await using var sim = await SimServer.StartAsync();
        using var clients = Clients.For(sim.BaseUri, PageSize(900));
        Symbol[] symbols = [Spy, Symbol.Parse("QQQ"), Symbol.Parse("ZNGA")];
        var to = From.AddDays(4);

        var together = await clients.Rest.GetBarsAsync(new BarsRequest(symbols, BarInterval.OneMinute, From, to));

        foreach (var symbol in symbols)
        {
            var alone = await clients.Rest.GetBarsAsync(symbol, BarInterval.OneMinute, From, to);
            Assert.NotEmpty(alone);
            Assert.Equal(alone, together[symbol]);
        }
    }

    [Fact]
    public async Task A_low_rate_limit_is_respected_with_at_most_a_few_429s()
    {
        await using var sim = await SimServer.StartAsync(new()
        {
            ["MarketSim:RateLimit:RequestsPerWindow"] = "5",
            ["MarketSim:RateLimit:Window"] = "00:00:02",
        });
        var log = new ResponseLog();
        using var clients = Clients.For(sim.BaseUri, PageSize(150), log: log);
        var truth = sim.Services.GetRequiredService<SyntheticMarket>().GetBars("SPY", "iex", BarInterval.OneMinute, From, From.AddDays(4));

        var watch = Stopwatch.StartNew();
        var bars = await clients.Rest.GetBarsAsync(Spy, BarInterval.OneMinute, From, From.AddDays(4));
        watch.Stop();

        Assert.Equal(truth, bars);
        var requests = log.Statuses.Count;
        var pages = log.Count(HttpStatusCode.OK);
        Assert.True(pages >= 12, $"expected at least 12 pages, got {pages}");
        // 5 requests per 2 s: the pages need at least (pages / 5 - 1) full windows.
        var minimum = TimeSpan.FromSeconds(2 * ((pages / 5) - 1));
        Assert.True(watch.Elapsed >= minimum, $"{pages} pages in {watch.Elapsed.TotalSeconds:0.0} s broke the limit (minimum {minimum.TotalSeconds} s)");
        Assert.True(log.Count(HttpStatusCode.TooManyRequests) <= 2, $"{log.Count(HttpStatusCode.TooManyRequests)} of {requests} requests got 429");
        Assert.Equal(bars.Count, bars.Select(b => b.Timestamp).Distinct().Count());
    }

    [Fact]
    public async Task Injected_server_errors_are_retried_and_the_result_is_complete()
    {
        await using var clean = await SimServer.StartAsync();
        await using var faulty = await SimServer.StartAsync(new() { ["MarketSim:Faults:ErrorRate"] = "0.3" });
        var log = new ResponseLog();
        using var reference = Clients.For(clean.BaseUri, PageSize(1000));
        using var client = Clients.For(faulty.BaseUri, PageSize(1000), log: log);

        var expected = await reference.Rest.GetBarsAsync(Spy, BarInterval.OneMinute, From, To);
        var actual = await client.Rest.GetBarsAsync(Spy, BarInterval.OneMinute, From, To);

        Assert.Equal(expected, actual);
        Assert.True(log.Count(HttpStatusCode.InternalServerError) > 0, "the fault injection never fired");
    }

    [Fact]
    public async Task Wrong_keys_fail_at_once_with_an_authentication_error()
    {
        await using var sim = await SimServer.StartAsync();
        var log = new ResponseLog();
        using var clients = Clients.For(sim.BaseUri, keyId: "wrong-key", secretKey: "wrong-secret", log: log);

        var error = await Assert.ThrowsAsync<AlpacaAuthenticationException>(() => clients.Rest.GetBarsAsync(Spy, BarInterval.OneMinute, From, To));

        Assert.Single(log.Statuses);
        Assert.Contains("ALPACA_KEY_ID", error.Message);
        Assert.DoesNotContain("wrong-secret", error.Message);
    }

    [Fact]
    public async Task An_unknown_symbol_fails_with_alpaca_s_message_and_no_retries()
    {
        await using var sim = await SimServer.StartAsync();
        var log = new ResponseLog();
        using var clients = Clients.For(sim.BaseUri, log: log);

        var error = await Assert.ThrowsAsync<AlpacaInvalidSymbolException>(() =>
            clients.Rest.GetBarsAsync(Symbol.Parse("INVALID"), BarInterval.OneMinute, From, To));

        Assert.Contains("invalid symbol: INVALID", error.Message);
        Assert.Single(log.Statuses);
    }

    [Fact]
    public async Task The_calendar_matches_the_exchange_rules()
    {
        await using var sim = await SimServer.StartAsync();
        using var clients = Clients.For(sim.BaseUri);

        var days = await clients.Rest.GetCalendarAsync(new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31));

        Assert.Equal(NyseCalendar.GetTradingDays(new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31)), days);
    }

    [Fact]
    public async Task Corporate_actions_come_back_typed()
    {
        await using var sim = await SimServer.StartAsync();
        using var clients = Clients.For(sim.BaseUri);

        var actions = await clients.Rest.GetCorporateActionsAsync(new CorporateActionsRequest([Spy, Symbol.Parse("AAPL")], new DateOnly(2020, 1, 1), new DateOnly(2024, 12, 31)));

        Assert.All(actions, action =>
        {
            Assert.False(string.IsNullOrEmpty(action.Type));
            Assert.False(string.IsNullOrEmpty(action.Id));
        });
        Assert.Equal(actions.Count, actions.Select(a => a.Id).Distinct().Count());
    }
}
