using System.Diagnostics;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketSim.Data;
using StockPlatform.MarketSim.Options;
using StockPlatform.MarketSim.Tests.Support;

namespace StockPlatform.MarketSim.Tests;

/// <summary>The synthetic data looks like a market: valid bars, the session calendar, liquidity, determinism.</summary>
public class SyntheticDataTests
{
    private static readonly SyntheticMarket Market = new(MarketSimOptions.DefaultSeed, MarketSimOptions.DefaultLiquidSymbols);

    [Fact]
    public async Task A_month_of_bars_is_valid_ohlc_on_the_tick_grid()
    {
        await using var sim = await SimHost.StartAsync();

        var pages = await sim.GetAllPagesAsync("/v2/stocks/bars?symbols=AAPL,TSLA,XYZW&timeframe=1Min&start=2024-05-01&end=2024-05-31&limit=10000");
        var bars = pages.SelectMany(AlpacaJsonReader.ReadPage).ToList();

        Assert.True(bars.Count > 20_000, $"only {bars.Count} bars");
        Assert.All(bars, x =>
        {
            var bar = x.Bar;
            Assert.Null(bar.Validate());
            Assert.InRange(bar.Vwap, bar.Low, bar.High);
            Assert.True(bar.Volume > 0);
            Assert.True(bar.TradeCount >= 1 && bar.TradeCount <= bar.Volume);
            foreach (var price in new[] { bar.Open, bar.High, bar.Low, bar.Close })
                Assert.True(price % (price >= 1 ? 0.01m : 0.0001m) == 0, $"{x.Symbol} {bar.Timestamp:O}: {price} is off the tick grid");
            Assert.True(decimal.Round(bar.Vwap, 6) == bar.Vwap);
            Assert.Equal(0, bar.Timestamp.Second);
        });
    }

    [Fact]
    public void Symbols_have_different_price_levels_between_five_and_six_hundred_dollars()
    {
        // The first trading day of 2025, where raw prices are the generator's levels; away from
        // it they are multiplied by the splits in between (ABCD's 4:1 of November 2024 makes its
        // June 2024 price four times its level).
        var date = new DateOnly(2025, 1, 2);
        var closes = MarketSimOptions.DefaultLiquidSymbols.Concat(["ZNGA", "XYZW", "BRK.B", "ABCD"])
            .Select(s => Market.GetMinuteBars(s, "sip", date)[^1].Close)
            .ToList();

        Assert.All(closes, c => Assert.InRange(c, 2m, 1500m));
        Assert.True(closes.Distinct().Count() == closes.Count);
        Assert.True(closes.Max() / closes.Min() > 5, $"levels too alike: {string.Join(", ", closes)}");
    }

    [Fact]
    public void Liquid_symbols_trade_nearly_every_regular_minute_and_illiquid_ones_skip_many()
    {
        var days = NyseCalendar.GetTradingDays(new DateOnly(2024, 4, 1), new DateOnly(2024, 4, 30)).ToList();

        double Coverage(string symbol, string feed) => days.Average(day =>
        {
            var regular = Market.GetMinuteBars(symbol, feed, day.Date).Count(b => day.IsRegularMinute(b.Timestamp));
            return regular / (day.CloseUtc - day.OpenUtc).TotalMinutes;
        });

        foreach (var liquid in new[] { "SPY", "AAPL", "NFLX" })
        {
            Assert.True(Coverage(liquid, "sip") >= 0.98, $"{liquid} sip {Coverage(liquid, "sip"):P1}");
            Assert.InRange(Coverage(liquid, "iex"), 0.85, Coverage(liquid, "sip"));
        }
        foreach (var illiquid in new[] { "ZNGA", "XYZW", "ABCD" })
        {
            Assert.InRange(Coverage(illiquid, "sip"), 0.25, 0.75);
            Assert.True(Coverage(illiquid, "iex") < Coverage(illiquid, "sip") * 0.8);
        }
    }

    [Fact]
    public void Iex_has_a_few_percent_of_the_sip_volume_on_the_same_prices()
    {
        var date = new DateOnly(2024, 4, 10);
        var sip = Market.GetMinuteBars("MSFT", "sip", date).ToDictionary(b => b.Timestamp);
        var iex = Market.GetMinuteBars("MSFT", "iex", date);

        // IEX's own few trades open where SIP opens and stay within SIP's range; with two or more
        // the last is SIP's close, a single one is open and close at once.
        Assert.All(iex, bar =>
        {
            var full = sip[bar.Timestamp];
            Assert.Equal(full.Open, bar.Open);
            Assert.Equal(bar.TradeCount == 1 ? full.Open : full.Close, bar.Close);
            Assert.InRange(bar.High, Math.Max(bar.Open, bar.Close), full.High);
            Assert.InRange(bar.Low, full.Low, Math.Min(bar.Open, bar.Close));
        });
        Assert.Contains(iex, bar => bar.TradeCount > 1);
        var share = (double)iex.Sum(b => b.Volume) / sip.Values.Sum(b => b.Volume);
        Assert.InRange(share, 0.01, 0.1);
    }

    [Fact]
    public void The_extended_session_has_sparse_bars_from_four_to_twenty_new_york_time()
    {
        var day = NyseCalendar.GetTradingDay(new DateOnly(2024, 4, 10))!;
        var bars = Market.GetMinuteBars("SPY", "sip", day.Date);

        Assert.All(bars, b => Assert.True(day.IsExtendedMinute(b.Timestamp)));
        var preMarket = bars.Count(b => b.Timestamp < day.OpenUtc);
        var afterHours = bars.Count(b => b.Timestamp >= day.CloseUtc);
        Assert.InRange(preMarket, 30, 330 * 0.9);
        Assert.InRange(afterHours, 20, 240 * 0.9);
        Assert.True(bars.Where(b => b.Timestamp < day.OpenUtc).Average(b => b.Volume) * 5 < bars.Where(b => day.IsRegularMinute(b.Timestamp)).Average(b => b.Volume));
    }

    [Fact]
    public async Task Holidays_and_weekends_have_no_bars()
    {
        await using var sim = await SimHost.StartAsync();

        foreach (var date in new[] { "2024-01-01", "2024-03-29", "2024-07-04", "2024-12-25", "2024-07-06", "2024-07-07" })
        {
            var response = await sim.GetAsync($"/v2/stocks/SPY/bars?timeframe=1Min&start={date}&end={date}");
            Assert.Equal(0, response.Root.GetProperty("bars").GetArrayLength());
        }
        var year = NyseCalendar.GetTradingDays(new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31)).Select(d => d.StartOfDayLabel()).ToHashSet();
        var daily = (await sim.GetAsync("/v2/stocks/SPY/bars?timeframe=1Day&start=2024-01-01&end=2024-12-31")).Root.GetProperty("bars");
        Assert.Equal(year, AlpacaJsonReader.ReadBars(daily).Select(b => b.Timestamp).ToHashSet());
    }

    [Fact]
    public async Task The_early_close_day_after_thanksgiving_ends_regular_trading_at_13_and_extended_at_17()
    {
        await using var sim = await SimHost.StartAsync();
        var close = new DateTimeOffset(2024, 11, 29, 18, 0, 0, TimeSpan.Zero); // 13:00 EST
        var extendedClose = close.AddHours(4); // 17:00 EST

        var minutes = AlpacaJsonReader.ReadBars((await sim.GetAsync("/v2/stocks/SPY/bars?timeframe=1Min&start=2024-11-29&end=2024-11-29")).Root.GetProperty("bars"));
        var daily = AlpacaJsonReader.ReadBars((await sim.GetAsync("/v2/stocks/SPY/bars?timeframe=1Day&start=2024-11-29&end=2024-11-29")).Root.GetProperty("bars"));

        Assert.All(minutes, b => Assert.True(b.Timestamp < extendedClose, $"{b.Timestamp:O} is after 17:00"));
        Assert.Contains(minutes, b => b.Timestamp >= close);
        var regular = minutes.Where(b => b.Timestamp >= close.AddHours(-3.5) && b.Timestamp < close).ToList();
        Assert.InRange(regular.Count, 200, 210);
        var day = Assert.Single(daily);
        Assert.Equal(regular[^1].Close, day.Close);
        Assert.Equal(regular.Sum(b => b.Volume), day.Volume);
    }

    [Fact]
    public async Task Longer_timeframes_are_aggregates_of_the_minute_bars_in_new_york_buckets()
    {
        await using var sim = await SimHost.StartAsync();
        var minutes = sim.Market.GetMinuteBars("AMD", "sip", new DateOnly(2024, 3, 8));

        var fifteen = AlpacaJsonReader.ReadBars((await sim.GetAsync("/v2/stocks/AMD/bars?timeframe=15T&start=2024-03-08&end=2024-03-08")).Root.GetProperty("bars"));
        var hours = AlpacaJsonReader.ReadBars((await sim.GetAsync("/v2/stocks/AMD/bars?timeframe=2H&start=2024-03-08&end=2024-03-08")).Root.GetProperty("bars"));
        var day = Assert.Single(AlpacaJsonReader.ReadBars((await sim.GetAsync("/v2/stocks/AMD/bars?timeframe=1Day&start=2024-03-08&end=2024-03-08")).Root.GetProperty("bars")));

        AssertAggregates(fifteen, minutes, TimeSpan.FromMinutes(15));
        AssertAggregates(hours, minutes, TimeSpan.FromHours(2));
        // 2-hour buckets start on even New York hours (odd UTC hours in winter): 04:00 EST = 09:00Z.
        Assert.Equal(new DateTimeOffset(2024, 3, 8, 9, 0, 0, TimeSpan.Zero), hours[0].Timestamp);
        var regular = minutes.Where(b => b.Timestamp >= new DateTimeOffset(2024, 3, 8, 14, 30, 0, TimeSpan.Zero) && b.Timestamp < new DateTimeOffset(2024, 3, 8, 21, 0, 0, TimeSpan.Zero)).ToList();
        Assert.Equal(new DateTimeOffset(2024, 3, 8, 5, 0, 0, TimeSpan.Zero), day.Timestamp);
        Assert.Equal((regular[0].Open, regular.Max(b => b.High), regular.Min(b => b.Low), regular[^1].Close, regular.Sum(b => b.Volume), regular.Sum(b => b.TradeCount)),
            (day.Open, day.High, day.Low, day.Close, day.Volume, day.TradeCount));
    }

    private static void AssertAggregates(List<Bar> aggregated, IReadOnlyList<Bar> minutes, TimeSpan length)
    {
        var expected = minutes
            .GroupBy(b =>
            {
                var midnight = NewYorkTime.StartOfDay(NewYorkTime.DateOf(b.Timestamp));
                return midnight + (length * Math.Floor((b.Timestamp - midnight) / length));
            })
            .Select(g => (Start: g.Key, Bars: g.ToList()))
            .ToList();
        Assert.Equal(expected.Select(e => e.Start), aggregated.Select(b => b.Timestamp));
        foreach (var (bar, (_, bars)) in aggregated.Zip(expected))
        {
            Assert.Equal((bars[0].Open, bars.Max(b => b.High), bars.Min(b => b.Low), bars[^1].Close, bars.Sum(b => b.Volume), bars.Sum(b => b.TradeCount)),
                (bar.Open, bar.High, bar.Low, bar.Close, bar.Volume, bar.TradeCount));
            var vwap = bars.Sum(b => b.Vwap * b.Volume) / bars.Sum(b => b.Volume);
            Assert.InRange(bar.Vwap, vwap - 0.000001m, vwap + 0.000001m);
        }
    }

    [Fact]
    public async Task Rest_never_serves_a_minute_that_has_not_ended_on_the_simulated_clock()
    {
        await using var sim = await SimHost.StartAsync(new() { ["MarketSim:Stream:Start"] = "2024-03-08T15:00:30Z" });

        var minutes = AlpacaJsonReader.ReadBars((await sim.GetAsync("/v2/stocks/SPY/bars?timeframe=1Min&start=2024-03-08&end=2024-03-09")).Root.GetProperty("bars"));
        var day = Assert.Single(AlpacaJsonReader.ReadBars((await sim.GetAsync("/v2/stocks/SPY/bars?timeframe=1Day&start=2024-03-08&end=2024-03-08")).Root.GetProperty("bars")));
        var defaults = AlpacaJsonReader.ReadBars((await sim.GetAsync("/v2/stocks/SPY/bars?timeframe=1Min")).Root.GetProperty("bars"));

        var now = new DateTimeOffset(2024, 3, 8, 15, 0, 30, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2024, 3, 8, 14, 59, 0, TimeSpan.Zero), minutes[^1].Timestamp);
        Assert.True(day.Close == minutes[^1].Close, "the daily bar so far ends with the last finished minute");
        Assert.Equal(minutes, defaults); // default range: start of today (New York) until now
        Assert.All(minutes, b => Assert.True(b.Timestamp.AddMinutes(1) <= now));
    }

    [Fact]
    public void A_bar_does_not_depend_on_the_range_or_the_order_it_is_asked_in()
    {
        var other = new SyntheticMarket(MarketSimOptions.DefaultSeed, MarketSimOptions.DefaultLiquidSymbols);
        var start = new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero);
        var end = new DateTimeOffset(2024, 2, 29, 23, 59, 0, TimeSpan.Zero);

        // Backwards, in odd windows, on a fresh instance...
        var pieces = new List<Bar>();
        for (var to = end; to > start; to = to.AddHours(-37))
        {
            var from = to.AddHours(-37) < start ? start : to.AddHours(-37).AddTicks(1);
            pieces.InsertRange(0, other.GetBars("NVDA", "sip", BarInterval.OneMinute, from, to));
        }
        // ...gives what one forward query gives.
        Assert.Equal(Market.GetBars("NVDA", "sip", BarInterval.OneMinute, start, end), pieces);
        Assert.NotEqual(Market.GetMinuteBars("NVDA", "sip", new DateOnly(2024, 2, 5)), new SyntheticMarket(7, MarketSimOptions.DefaultLiquidSymbols).GetMinuteBars("NVDA", "sip", new DateOnly(2024, 2, 5)));
    }

    [Fact]
    public async Task A_bar_is_the_same_over_http_in_one_range_or_in_split_ranges()
    {
        await using var sim = await SimHost.StartAsync();

        var whole = await sim.GetAsync("/v2/stocks/META/bars?timeframe=1Min&start=2024-03-11&end=2024-03-12&limit=10000");
        var first = await sim.GetAsync("/v2/stocks/META/bars?timeframe=1Min&start=2024-03-11T00:00:00Z&end=2024-03-11T17:59:59Z");
        var second = await sim.GetAsync("/v2/stocks/META/bars?timeframe=1Min&start=2024-03-11T18:00:00Z&end=2024-03-12T23:59:59Z");
        var again = await sim.GetAsync("/v2/stocks/META/bars?timeframe=1Min&start=2024-03-11&end=2024-03-12&limit=10000");

        Assert.Equal(whole.Body, again.Body);
        Assert.Equal(
            AlpacaJsonReader.ReadBars(whole.Root.GetProperty("bars")),
            AlpacaJsonReader.ReadBars(first.Root.GetProperty("bars")).Concat(AlpacaJsonReader.ReadBars(second.Root.GetProperty("bars"))));
    }

    [Fact]
    public void Prices_continue_across_days_weekends_and_holidays()
    {
        var days = NyseCalendar.GetTradingDays(new DateOnly(2024, 6, 1), new DateOnly(2024, 7, 31)).ToList();
        foreach (var (before, after) in days.Zip(days.Skip(1)))
        {
            var lastClose = Market.GetMinuteBars("QQQ", "sip", before.Date)[^1].Close;
            var firstOpen = Market.GetMinuteBars("QQQ", "sip", after.Date)[0].Open;
            Assert.InRange(firstOpen / lastClose, 0.97m, 1.03m);
        }
    }

    [Fact]
    public void A_year_of_minute_bars_generates_in_seconds_not_minutes()
    {
        var fresh = new SyntheticMarket(12345, ["SPY"]);
        fresh.GetMinuteBars("SPY", "sip", new DateOnly(2023, 1, 3)); // calendar table and the symbol's daily series

        var watch = Stopwatch.StartNew();
        var count = NyseCalendar.GetTradingDays(new DateOnly(2023, 1, 1), new DateOnly(2023, 12, 31)).Sum(d => fresh.GetMinuteBars("SPY", "sip", d.Date).Count);
        watch.Stop();

        Assert.True(count > 100_000, $"{count} bars");
        // About a quarter of a second on a quiet machine; the bound is for a loaded CI runner and
        // catches an accidental per-bar rescan (minutes per year), not a slowdown.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"a year took {watch.Elapsed.TotalMilliseconds:0} ms");
    }

    [Fact]
    public void About_three_percent_of_bars_are_corrected_by_a_late_trade()
    {
        var days = NyseCalendar.GetTradingDays(new DateOnly(2024, 4, 1), new DateOnly(2024, 4, 30)).ToList();
        var bars = days.Sum(d => Market.GetMinuteBars("TSLA", "sip", d.Date).Count);
        var corrected = days.SelectMany(d => Market.GetCorrectedMinutes("TSLA", "sip", d.Date)).ToList();

        Assert.InRange((double)corrected.Count / bars, 0.02, 0.04);
        Assert.All(corrected.Take(50), minute =>
        {
            var early = Market.GetPreliminaryBar("TSLA", "sip", minute)!.Value;
            var final = Market.GetBars("TSLA", "sip", BarInterval.OneMinute, minute, minute).Single();
            Assert.Null(early.Validate());
            Assert.True(early.Volume < final.Volume);
            Assert.Equal((final.Timestamp, final.Open, final.High, final.Low), (early.Timestamp, early.Open, early.High, early.Low));
        });
    }
}

internal static class TradingDayLabels
{
    /// <summary>How Alpaca labels the day's daily bar.</summary>
    public static DateTimeOffset StartOfDayLabel(this TradingDay day) => NewYorkTime.StartOfDay(day.Date);
}
