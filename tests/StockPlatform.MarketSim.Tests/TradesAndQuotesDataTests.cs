using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketSim.Data;
using StockPlatform.MarketSim.Options;

namespace StockPlatform.MarketSim.Tests;

/// <summary>
/// The trades behind every minute bar reproduce it exactly, the quotes bracket the trades, and
/// neither depends on how it is asked for.
/// </summary>
public class TradesAndQuotesDataTests
{
    private static readonly SyntheticMarket Market = new(MarketSimOptions.DefaultSeed, MarketSimOptions.DefaultLiquidSymbols);

    // Liquid and illiquid symbols on both feeds, the early close after Thanksgiving, and ZNGA the
    // trading day before and the day of its 4:1 split (raw prices four times apart).
    public static TheoryData<string, string, string> Sessions => new()
    {
        { "SPY", "sip", "2024-03-08" },
        { "SPY", "iex", "2024-03-08" },
        { "XYZW", "sip", "2024-03-08" },
        { "XYZW", "iex", "2024-03-08" },
        { "AAPL", "sip", "2024-11-29" },
        { "AAPL", "iex", "2024-11-29" },
        { "ZNGA", "sip", "2024-11-29" },
        { "ZNGA", "sip", "2024-02-16" },
        { "ZNGA", "iex", "2024-02-20" },
    };

    [Theory]
    [MemberData(nameof(Sessions))]
    public void Every_minute_bar_is_exactly_the_aggregate_of_its_trades(string symbol, string feed, string day)
    {
        var date = DateOnly.Parse(day);
        var bars = Market.GetMinuteBars(symbol, feed, date);
        var trades = Market.GetTrades(symbol, feed, NewYorkTime.StartOfDay(date), NewYorkTime.StartOfDay(date.AddDays(1)).AddTicks(-1));

        var byMinute = trades.GroupBy(t => MinuteOf(t.Time)).ToDictionary(g => g.Key, g => g.ToList());
        Assert.True(bars.Count > 50, $"{bars.Count} bars");
        Assert.Equal(bars.Select(b => b.Timestamp), byMinute.Keys.Order());
        foreach (var bar in bars)
        {
            var minute = byMinute[bar.Timestamp];
            var volume = minute.Sum(t => t.Size);
            var vwap = Math.Round(minute.Sum(t => t.Price * t.Size) / volume, 6, MidpointRounding.AwayFromZero);
            var aggregate = new Bar(bar.Timestamp, minute[0].Price, minute.Max(t => t.Price), minute.Min(t => t.Price), minute[^1].Price, volume, minute.Count, vwap);
            Assert.Equal(bar, aggregate);
        }
    }

    [Fact]
    public void Longer_bars_have_the_vwap_of_all_their_trades()
    {
        var date = new DateOnly(2024, 3, 8);
        var day = NyseCalendar.GetTradingDay(date)!;
        var hours = Market.GetBars("AMD", "sip", BarInterval.FromMinutes(60), day.SessionOpenUtc, day.SessionCloseUtc);
        var daily = Assert.Single(Market.GetBars("AMD", "sip", BarInterval.OneDay, NewYorkTime.StartOfDay(date), NewYorkTime.StartOfDay(date)));

        foreach (var hour in hours)
        {
            var trades = Market.GetTrades("AMD", "sip", hour.Timestamp, hour.Timestamp.AddHours(1).AddTicks(-1));
            Assert.Equal(Math.Round(trades.Sum(t => t.Price * t.Size) / trades.Sum(t => t.Size), 6, MidpointRounding.AwayFromZero), hour.Vwap);
        }
        var regular = Market.GetTrades("AMD", "sip", day.OpenUtc, day.CloseUtc.AddTicks(-1));
        Assert.Equal((regular[0].Price, regular[^1].Price, regular.Sum(t => t.Size), (long)regular.Count), (daily.Open, daily.Close, daily.Volume, daily.TradeCount));
        Assert.Equal(Math.Round(regular.Sum(t => t.Price * t.Size) / regular.Sum(t => t.Size), 6, MidpointRounding.AwayFromZero), daily.Vwap);
    }

    [Theory]
    [MemberData(nameof(Sessions))]
    public void Trades_carry_alpaca_s_codes_with_increasing_times_and_ids(string symbol, string feed, string day)
    {
        var date = DateOnly.Parse(day);
        var session = NyseCalendar.GetTradingDay(date)!;
        var trades = Market.GetTrades(symbol, feed, session.SessionOpenUtc, session.SessionCloseUtc);
        var exchanges = "ABCDHIJKMNPQUVWXYZ".Select(c => c.ToString()).ToHashSet();

        Assert.All(trades.Zip(trades.Skip(1)), pair =>
        {
            Assert.True(pair.First.Time < pair.Second.Time, $"{pair.First.Time} then {pair.Second.Time}");
            Assert.True(pair.First.Id < pair.Second.Id);
        });
        Assert.Single(trades.Select(t => t.Tape).Distinct());
        Assert.All(trades, t =>
        {
            Assert.Null(t.Validate());
            Assert.True(t.Size >= 1);
            Assert.True(t.Price % (t.Price >= 1 ? 0.01m : 0.0001m) == 0, $"{t.Price} is off the tick grid");
            Assert.Contains(t.Exchange, exchanges);
            if (feed == "iex") Assert.Equal("V", t.Exchange);
            var regular = session.IsRegularMinute(MinuteOf(t.Time));
            Assert.Contains(string.Join(",", t.Conditions), regular ? new[] { "@", "@,F" } : ["@,T"]);
        });
        if (feed == "sip" && Market.IsLiquid(symbol)) Assert.True(trades.Select(t => t.Exchange).Distinct().Count() > 8);
    }

    [Theory]
    [MemberData(nameof(Sessions))]
    public void The_latest_quote_before_each_trade_brackets_it(string symbol, string feed, string day)
    {
        var session = NyseCalendar.GetTradingDay(DateOnly.Parse(day))!;
        var trades = Market.GetTrades(symbol, feed, session.SessionOpenUtc, session.SessionCloseUtc);
        var quotes = Market.GetQuotes(symbol, feed, session.SessionOpenUtc, session.SessionCloseUtc);

        Assert.True(quotes.Count > trades.Count, $"{quotes.Count} quotes for {trades.Count} trades");
        Assert.All(quotes.Zip(quotes.Skip(1)), pair => Assert.True(pair.First.Time < pair.Second.Time));
        Assert.All(quotes, q =>
        {
            Assert.Null(q.Validate());
            Assert.True(q.BidPrice < q.AskPrice);
            Assert.True(q.BidSize >= 1 && q.AskSize >= 1);
            if (feed == "iex") Assert.Equal(("V", "V"), (q.BidExchange, q.AskExchange));
        });
        var latest = -1;
        foreach (var trade in trades)
        {
            while (latest + 1 < quotes.Count && quotes[latest + 1].Time <= trade.Time) latest++;
            Assert.True(latest >= 0, $"no quote before the trade at {trade.Time}");
            var quote = quotes[latest];
            Assert.True(quote.BidPrice <= trade.Price && trade.Price <= quote.AskPrice, $"{trade.Time}: {trade.Price} outside {quote.BidPrice}-{quote.AskPrice}");
        }
    }

    [Fact]
    public void Liquid_sip_minutes_have_at_most_a_few_hundred_trades_and_iex_a_few_percent_of_them()
    {
        var date = new DateOnly(2024, 4, 10);
        var sip = Market.GetMinuteBars("NVDA", "sip", date);
        var iex = Market.GetMinuteBars("NVDA", "iex", date);

        Assert.InRange(sip.Max(b => b.TradeCount), 100, 300);
        Assert.InRange((double)iex.Sum(b => b.TradeCount) / sip.Sum(b => b.TradeCount), 0.01, 0.12);
    }

    [Fact]
    public void Trades_and_quotes_do_not_depend_on_the_range_or_the_instance_they_are_asked_from()
    {
        var fresh = new SyntheticMarket(MarketSimOptions.DefaultSeed, MarketSimOptions.DefaultLiquidSymbols);
        var start = new DateTimeOffset(2024, 3, 11, 14, 0, 0, TimeSpan.Zero);
        var end = new DateTimeOffset(2024, 3, 11, 16, 0, 0, TimeSpan.Zero);

        // Backwards, in windows that cut through minutes, on a fresh instance...
        var trades = new List<Trade>();
        var quotes = new List<Quote>();
        for (var to = end; to > start; to = to.AddSeconds(-437))
        {
            var from = to.AddSeconds(-437) < start ? start : to.AddSeconds(-437).AddTicks(1);
            trades.InsertRange(0, fresh.GetTrades("META", "sip", from, to));
            quotes.InsertRange(0, fresh.GetQuotes("META", "sip", from, to));
        }

        // ...gives what one forward query gives.
        Assert.Equal(Market.GetTrades("META", "sip", start, end), trades);
        Assert.Equal(Market.GetQuotes("META", "sip", start, end), quotes);
        Assert.NotEqual(Market.GetTrades("META", "sip", start, end), new SyntheticMarket(7, MarketSimOptions.DefaultLiquidSymbols).GetTrades("META", "sip", start, end));
    }

    private static DateTimeOffset MinuteOf(NanoTime time)
    {
        var at = time.Microsecond;
        return new DateTimeOffset(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
    }
}
