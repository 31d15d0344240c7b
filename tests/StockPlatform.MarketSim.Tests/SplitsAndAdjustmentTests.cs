using System.Globalization;
using System.Text.Json;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketSim.Data;
using StockPlatform.MarketSim.Options;
using StockPlatform.MarketSim.Tests.Support;

namespace StockPlatform.MarketSim.Tests;

/// <summary>
/// Raw bars (and trades) jump by the ratio at every split, and <c>adjustment=split|dividend|all</c>
/// follows issue 18's adjustment rules, computed here on their own from the raw bars and the
/// corporate actions the API serves.
/// </summary>
public class SplitsAndAdjustmentTests
{
    private static readonly SyntheticMarket Market = new(MarketSimOptions.DefaultSeed, MarketSimOptions.DefaultLiquidSymbols);

    [Theory]
    [InlineData("ZNGA", "2024-02-20", "forward_split", 4, 1)]
    [InlineData("XYZW", "2017-07-14", "reverse_split", 1, 5)]
    [InlineData("NVDA", "2022-02-07", "reverse_split", 1, 10)]
    public void Raw_prices_jump_by_the_split_ratio_on_the_ex_date_and_volume_the_other_way(string symbol, string exDate, string type, int newRate, int oldRate)
    {
        var ex = DateOnly.Parse(exDate, CultureInfo.InvariantCulture);
        var split = Assert.Single(Market.GetCorporateActions(symbol, ex, ex), a => a.Type != "cash_dividend");
        Assert.Equal((type, (decimal?)newRate, (decimal?)oldRate), (split.Type, split.NewRate, split.OldRate));
        var before = NyseCalendar.GetTradingDays(ex.AddDays(-12), ex.AddDays(-1)).TakeLast(5).Select(d => d.Date).ToList();
        var after = NyseCalendar.GetTradingDays(ex, ex.AddDays(12)).Take(5).Select(d => d.Date).ToList();

        var lastBefore = Market.GetMinuteBars(symbol, "sip", before[^1])[^1].Close;
        var firstAfter = Market.GetMinuteBars(symbol, "sip", ex)[0].Open;
        var lastTradeBefore = Market.GetTrades(symbol, "sip", NewYorkTime.StartOfDay(before[^1]), NewYorkTime.StartOfDay(ex).AddTicks(-1))[^1].Price;

        // The economic price moves a little overnight; the split moves it by its ratio.
        var ratio = (decimal)newRate / oldRate;
        Assert.InRange(lastBefore / firstAfter / ratio, 0.9m, 1.1m);
        Assert.Equal(lastBefore, lastTradeBefore); // trades are raw too
        double Volume(IEnumerable<DateOnly> days) => days.Average(d => Market.GetMinuteBars(symbol, "sip", d).Sum(b => (double)b.Volume));
        Assert.InRange(Volume(after) / Volume(before) / (double)ratio, 0.6, 1.6);
    }

    [Fact]
    public async Task Reverse_splits_are_listed_with_alpaca_s_fields_and_are_rarer_than_forward_splits()
    {
        await using var sim = await SimHost.StartAsync();
        var symbols = string.Join(",", MarketSimOptions.DefaultLiquidSymbols.Concat(["ZNGA", "XYZW", "ABCD", "BRK.B", "KO", "PEP", "T", "F"]));

        var pages = await sim.GetAllPagesAsync($"/v1/corporate-actions?symbols={symbols}&types=forward_split,reverse_split&start=2000-01-01&end=2030-12-31&limit=1000");

        var groups = pages.SelectMany(p => p.GetProperty("corporate_actions").EnumerateObject()).ToList();
        var reverse = groups.Where(g => g.Name == "reverse_splits").SelectMany(g => g.Value.EnumerateArray()).ToList();
        var forward = groups.Where(g => g.Name == "forward_splits").SelectMany(g => g.Value.EnumerateArray()).ToList();
        Assert.NotEmpty(reverse);
        Assert.True(forward.Count > reverse.Count, $"{forward.Count} forward, {reverse.Count} reverse");
        Assert.All(reverse, r =>
        {
            Assert.Equal(["id", "symbol", "old_cusip", "new_cusip", "new_rate", "old_rate", "process_date", "ex_date", "record_date", "payable_date"], r.EnumerateObject().Select(p => p.Name));
            Assert.Equal(1, r.GetProperty("new_rate").GetInt32());
            Assert.Contains(r.GetProperty("old_rate").GetInt32(), new[] { 5, 10 });
        });
    }

    [Fact]
    public async Task Adjusted_daily_bars_follow_the_adjustment_rules_for_every_mode()
    {
        // ABCD: quarterly dividends, a 4:1 split on 2024-11-11 and dividends after it; the
        // clock (2025-06-02) knows every action up to then.
        await using var sim = await SimHost.StartAsync();
        var asOf = new DateOnly(2025, 6, 2);
        const string Range = "timeframe=1Day&start=2023-12-01&end=2025-05-30&limit=10000";
        var actions = await ActionsAsync(sim, "ABCD");
        Assert.Contains(actions, a => a.Type == "forward_split" && a.ExDate == new DateOnly(2024, 11, 11));
        Assert.True(actions.Count(a => a.Type == "cash_dividend" && a.ExDate >= new DateOnly(2024, 1, 1)) >= 6);
        var raw = AlpacaJsonReader.ReadBars((await sim.GetAsync($"/v2/stocks/ABCD/bars?{Range}&feed=sip&adjustment=raw")).Root.GetProperty("bars"));
        var closes = raw.ToDictionary(b => NewYorkTime.DateOf(b.Timestamp), b => b.Close);

        foreach (var (mode, kinds) in new[] { ("split", "split"), ("dividend", "dividend"), ("all", "split,dividend"), ("split,dividend", "split,dividend"), ("dividend,spin-off", "dividend"), ("spin-off", "") })
        {
            foreach (var feed in new[] { "sip", "iex" })
            {
                var rawFeed = AlpacaJsonReader.ReadBars((await sim.GetAsync($"/v2/stocks/ABCD/bars?{Range}&feed={feed}")).Root.GetProperty("bars"));
                var adjusted = AlpacaJsonReader.ReadBars((await sim.GetAsync($"/v2/stocks/ABCD/bars?{Range}&feed={feed}&adjustment={mode}")).Root.GetProperty("bars"));

                var expected = rawFeed.Select(b => Adjust(b, actions, asOf, kinds, closes)).ToList();
                Assert.Equal(expected, adjusted);
            }
        }

        // Split-adjusted prices continue across the split; raw ones fall to a quarter.
        var split = AlpacaJsonReader.ReadBars((await sim.GetAsync($"/v2/stocks/ABCD/bars?{Range}&adjustment=split")).Root.GetProperty("bars"));
        var (friday, monday) = (split.FindIndex(b => NewYorkTime.DateOf(b.Timestamp) == new DateOnly(2024, 11, 8)), split.FindIndex(b => NewYorkTime.DateOf(b.Timestamp) == new DateOnly(2024, 11, 11)));
        Assert.InRange(split[friday].Close / split[monday].Open, 0.9m, 1.1m);
        Assert.InRange(raw[friday].Close / raw[monday].Open, 3.6m, 4.4m);
        Assert.Equal(raw[friday].Volume * 4, split[friday].Volume);
        Assert.Equal(sim.Market.GetBars("ABCD", "sip", BarInterval.OneDay, raw[0].Timestamp, raw[^1].Timestamp, null, "all", asOf),
            AlpacaJsonReader.ReadBars((await sim.GetAsync($"/v2/stocks/ABCD/bars?{Range}&adjustment=all")).Root.GetProperty("bars")));
    }

    [Fact]
    public async Task Intraday_bars_are_adjusted_after_aggregation_and_trades_never()
    {
        await using var sim = await SimHost.StartAsync();
        var asOf = new DateOnly(2025, 6, 2);
        var actions = await ActionsAsync(sim, "ABCD");
        var closes = AlpacaJsonReader.ReadBars((await sim.GetAsync("/v2/stocks/ABCD/bars?timeframe=1Day&start=2024-10-01&end=2025-05-30")).Root.GetProperty("bars"))
            .ToDictionary(b => NewYorkTime.DateOf(b.Timestamp), b => b.Close);
        const string Range = "start=2024-11-08&end=2024-11-11&limit=10000";

        var raw = AlpacaJsonReader.ReadBars((await sim.GetAsync($"/v2/stocks/ABCD/bars?timeframe=2Hour&{Range}")).Root.GetProperty("bars"));
        var adjusted = AlpacaJsonReader.ReadBars((await sim.GetAsync($"/v2/stocks/ABCD/bars?timeframe=2Hour&{Range}&adjustment=all")).Root.GetProperty("bars"));
        var rawTrades = await sim.GetAsync($"/v2/stocks/ABCD/trades?{Range}");
        var adjustedTrades = await sim.GetAsync($"/v2/stocks/ABCD/trades?{Range}&adjustment=all");

        Assert.Contains(raw, b => NewYorkTime.DateOf(b.Timestamp) == new DateOnly(2024, 11, 8));
        Assert.Equal(raw.Select(b => Adjust(b, actions, asOf, "split,dividend", closes)), adjusted);
        Assert.Equal(rawTrades.Body, adjustedTrades.Body);
    }

    [Fact]
    public async Task Only_actions_known_at_the_simulated_clock_adjust()
    {
        // Friday evening before ABCD's split: the split is not known yet, the dividends before it are.
        const string Range = "timeframe=1Day&start=2024-01-02&end=2024-11-08";
        await using (var before = await SimHost.StartAsync(new() { ["MarketSim:Stream:Start"] = "2024-11-08T23:00:00Z" }))
        {
            var raw = await before.GetAsync($"/v2/stocks/ABCD/bars?{Range}");
            var split = await before.GetAsync($"/v2/stocks/ABCD/bars?{Range}&adjustment=split");
            var dividend = AlpacaJsonReader.ReadBars((await before.GetAsync($"/v2/stocks/ABCD/bars?{Range}&adjustment=dividend")).Root.GetProperty("bars"));
            Assert.Equal(raw.Body, split.Body);
            Assert.NotEqual(AlpacaJsonReader.ReadBars(raw.Root.GetProperty("bars"))[0], dividend[0]);
        }

        // Monday morning: the split applies to every bar before it.
        await using var after = await SimHost.StartAsync(new() { ["MarketSim:Stream:Start"] = "2024-11-11T15:00:00Z" });
        var rawAfter = AlpacaJsonReader.ReadBars((await after.GetAsync($"/v2/stocks/ABCD/bars?{Range}")).Root.GetProperty("bars"));
        var splitAfter = AlpacaJsonReader.ReadBars((await after.GetAsync($"/v2/stocks/ABCD/bars?{Range}&adjustment=split")).Root.GetProperty("bars"));
        Assert.All(rawAfter.Zip(splitAfter), p => Assert.Equal(Math.Round(p.First.Close * 0.25m, 4, MidpointRounding.AwayFromZero), p.Second.Close));
    }

    // ----- The adjustment rules, written out on their own -----

    private sealed record Action(string Type, DateOnly ExDate, decimal Rate, decimal NewRate, decimal OldRate);

    private static async Task<List<Action>> ActionsAsync(SimHost sim, string symbol)
    {
        var pages = await sim.GetAllPagesAsync($"/v1/corporate-actions?symbols={symbol}&start=2000-01-01&end=2030-12-31");
        return pages.SelectMany(p => p.GetProperty("corporate_actions").EnumerateObject())
            .SelectMany(g => g.Value.EnumerateArray().Select(a => new Action(
                g.Name.TrimEnd('s'),
                DateOnly.Parse(a.GetProperty("ex_date").GetString()!, CultureInfo.InvariantCulture),
                a.TryGetProperty("rate", out var rate) ? rate.GetDecimal() : 0,
                a.TryGetProperty("new_rate", out var n) ? n.GetDecimal() : 0,
                a.TryGetProperty("old_rate", out var o) ? o.GetDecimal() : 0)))
            .ToList();
    }

    private static Bar Adjust(Bar raw, List<Action> actions, DateOnly asOf, string kinds, Dictionary<DateOnly, decimal> sipCloses)
    {
        var date = NewYorkTime.DateOf(raw.Timestamp);
        var splits = kinds.Contains("split", StringComparison.Ordinal);
        var dividends = kinds.Contains("dividend", StringComparison.Ordinal);
        decimal factor = 1, splitFactor = 1;
        foreach (var action in actions.Where(a => a.ExDate > date && a.ExDate <= asOf).OrderByDescending(a => a.ExDate))
        {
            if (action.Type is "forward_split" or "reverse_split" && splits)
            {
                var f = action.OldRate / action.NewRate;
                factor = Math.Round(factor * f, 12, MidpointRounding.AwayFromZero);
                splitFactor = Math.Round(splitFactor * f, 12, MidpointRounding.AwayFromZero);
            }
            else if (action.Type == "cash_dividend" && dividends)
            {
                var close = sipCloses[sipCloses.Keys.Where(d => d < action.ExDate).Max()];
                var f = Math.Round(1 - (action.Rate / close), 10, MidpointRounding.AwayFromZero);
                factor = Math.Round(factor * f, 12, MidpointRounding.AwayFromZero);
            }
        }
        if (factor == 1) return raw;
        decimal Price(decimal p) => Math.Round(p * factor, 4, MidpointRounding.AwayFromZero);
        return new Bar(raw.Timestamp, Price(raw.Open), Price(raw.High), Price(raw.Low), Price(raw.Close),
            (long)Math.Round(raw.Volume / splitFactor, 0, MidpointRounding.AwayFromZero), raw.TradeCount, Price(raw.Vwap));
    }
}
