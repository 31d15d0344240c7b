using StockPlatform.Ingestion.Backfill;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Jobs;

namespace StockPlatform.Ingestion.Tests;

public sealed class TickPlannerTests
{
    private static readonly List<TradingDay> March = [.. NyseCalendar.GetTradingDays(new(2024, 3, 1), new(2024, 3, 31))];

    [Fact]
    public void Each_missing_session_of_each_tick_dataset_is_one_request_and_a_session_two_windows_need_is_fetched_once()
    {
        var first = Window("SPY", new(2024, 3, 4), new(2024, 3, 8), trades: _ => true, quotes: date => date.Day >= 6);
        var overlapping = Window("SPY", new(2024, 3, 7), new(2024, 3, 12), trades: _ => true, quotes: _ => false);
        var other = Window("QQQ", new(2024, 3, 4), new(2024, 3, 4), trades: _ => false, quotes: _ => true);

        var plan = TickPlanner.Plan([first, overlapping, other]);

        Assert.Equal(
        [
            "QQQ quotes 2024-03-04", "SPY trades 2024-03-04", "SPY trades 2024-03-05", "SPY trades 2024-03-06", "SPY quotes 2024-03-06",
            "SPY trades 2024-03-07", "SPY quotes 2024-03-07", "SPY trades 2024-03-08", "SPY quotes 2024-03-08",
            "SPY trades 2024-03-11", "SPY trades 2024-03-12",
        ], plan.Select(item => item.ToString()));
        Assert.All(plan, item => Assert.Equal("iex", item.Feed));
    }

    [Fact]
    public void Bars_are_left_to_the_bars_planner_and_a_window_without_ticks_plans_nothing()
    {
        var sessions = March.Where(day => day.Date.Day <= 8).ToList();
        var barsOnly = new WindowWork(Task("SPY", new(2024, 3, 1), new(2024, 3, 8)), sessions, sessions.Select(day => day.Date).ToHashSet());

        Assert.Empty(TickPlanner.Plan([barsOnly]));
    }

    [Fact]
    public void A_session_is_asked_for_from_its_extended_open_to_the_last_nanosecond_before_its_close_and_today_up_to_now()
    {
        var day = NyseCalendar.GetTradingDay(new(2024, 3, 4))!;
        var item = new TickItem("trades", "iex", "SPY", day);

        var (start, end) = item.Range(new DateTimeOffset(2024, 3, 5, 12, 0, 0, TimeSpan.Zero));
        Assert.Equal("2024-03-04T09:00:00.000000000Z", start.ToString()); // 04:00 New York
        Assert.Equal("2024-03-05T00:59:59.999999999Z", end.ToString()); // 20:00 New York, exclusive

        var now = new DateTimeOffset(2024, 3, 4, 15, 30, 0, TimeSpan.Zero);
        Assert.Equal(NanoTime.From(now).UnixNanoseconds - 1, item.Range(now).End.UnixNanoseconds);
    }

    [Fact]
    public void A_session_is_done_once_every_dataset_the_window_fetches_has_it_whole()
    {
        var work = Window("SPY", new(2024, 3, 4), new(2024, 3, 6), trades: _ => true, quotes: date => date.Day == 4) with
        {
            Missing = new HashSet<DateOnly> { new(2024, 3, 4) },
        };
        var window = new WindowState(work);

        Assert.Equal((3, 0, 5), (window.SessionsTotal, window.SessionsDone, window.RemainingCount));
        Assert.True(window.Finish("trades", new(2024, 3, 4)));
        Assert.True(window.Finish("bars", new(2024, 3, 4)));
        Assert.Equal(0, window.SessionsDone); // quotes of the 4th are still missing
        Assert.False(window.Finish("bars", new(2024, 3, 4))); // counted once
        Assert.True(window.Finish("quotes", new(2024, 3, 4)));
        Assert.True(window.Finish("trades", new(2024, 3, 5)));
        Assert.Equal(2, window.SessionsDone);
        Assert.False(window.IsFinished);
        Assert.True(window.Finish("trades", new(2024, 3, 6)));
        Assert.True(window.IsFinished);
        Assert.Equal(3, window.SessionsDone);
    }

    private static WindowWork Window(string symbol, DateOnly start, DateOnly end, Func<DateOnly, bool> trades, Func<DateOnly, bool> quotes)
    {
        var sessions = March.Where(day => day.Date >= start && day.Date <= end).ToList();
        var dates = sessions.Select(day => day.Date).ToList();
        return new WindowWork(Task(symbol, start, end), sessions, new HashSet<DateOnly>())
        {
            TicksMissing = new Dictionary<string, IReadOnlySet<DateOnly>>
            {
                ["trades"] = dates.Where(trades).ToHashSet(),
                ["quotes"] = dates.Where(quotes).ToHashSet(),
            },
        };
    }

    private static JobTask Task(string symbol, DateOnly start, DateOnly end) =>
        new(Guid.NewGuid(), Guid.NewGuid(), 0, symbol, start, end, "iex", "running", 1) { Datasets = ["bars", "trades", "quotes"] };
}
