using StockPlatform.Ingestion.Backfill;
using StockPlatform.MarketData.Calendar;
using StockPlatform.Storage.Jobs;

namespace StockPlatform.Ingestion.Tests;

public sealed class FetchPlannerTests
{
    private const int PageSize = 10_000;
    private static readonly List<TradingDay> Year2024 = [.. NyseCalendar.GetTradingDays(new(2024, 1, 1), new(2024, 12, 31))];

    [Fact]
    public void Ten_symbols_over_four_quarter_windows_become_one_run_cut_into_a_few_large_chunks()
    {
        var symbols = Tickers(10);
        var work = symbols.SelectMany(symbol => Quarters().Select(q => Fresh(symbol, q.Start, q.End))).ToList();

        var plan = FetchPlanner.Plan(work, Year2024, maxChunks: 4, PageSize);

        // 10 x 252 sessions x 390 bars = 98 pages: four chunks of about 25, each with all ten symbols.
        Assert.Equal(4, plan.Count);
        Assert.All(plan, item => Assert.Equal(symbols, item.Symbols));
        Assert.Equal(Year2024.Select(day => day.Date), plan.OrderBy(item => item.Sessions[0].Date).SelectMany(item => item.Sessions).Select(day => day.Date));
        Assert.All(plan, item => Assert.InRange(item.Sessions.Count, 62, 64));
    }

    [Fact]
    public void Forty_symbols_over_two_weeks_share_one_request_whose_pages_fill_across_symbols()
    {
        var symbols = Tickers(40);
        var work = symbols.Select(symbol => Fresh(symbol, new(2024, 3, 4), new(2024, 3, 15))).ToList();

        var plan = FetchPlanner.Plan(work, Year2024, maxChunks: 4, PageSize);

        var item = Assert.Single(plan);
        Assert.Equal(symbols, item.Symbols);
        Assert.Equal(10, item.Sessions.Count);
    }

    [Fact]
    public void One_symbols_year_is_one_range_not_one_per_window()
    {
        var work = Quarters().Select(q => Fresh("SPY", q.Start, q.End)).ToList();

        var item = Assert.Single(FetchPlanner.Plan(work, Year2024, maxChunks: 4, PageSize)); // ~10 pages: not worth a chunk each

        Assert.Equal(Year2024.Count, item.Sessions.Count);
    }

    [Fact]
    public void Fetched_sessions_split_runs_and_symbols_with_other_gaps_get_their_own_requests()
    {
        var march = Year2024.Where(day => day.Date.Month == 3).ToList();
        var gap = march[10].Date;
        var work = new List<WindowWork>
        {
            Fresh("AAA", new(2024, 3, 1), new(2024, 3, 31)),
            Fresh("BBB", new(2024, 3, 1), new(2024, 3, 31)),
            Window("CCC", new(2024, 3, 1), new(2024, 3, 31), missing: day => day != gap),
        };

        var plan = FetchPlanner.Plan(work, Year2024, maxChunks: 4, PageSize);

        Assert.Equal(3, plan.Count);
        var shared = Assert.Single(plan, item => item.Symbols.Count == 2);
        Assert.Equal(["AAA", "BBB"], shared.Symbols);
        Assert.Equal(march.Count, shared.Sessions.Count);
        var ccc = plan.Where(item => item.Symbols.SequenceEqual(["CCC"])).OrderBy(item => item.Sessions[0].Date).ToList();
        Assert.Equal([march[0].Date, march[11].Date], ccc.Select(item => item.Sessions[0].Date));
        Assert.Equal([march[9].Date, march[^1].Date], ccc.Select(item => item.Sessions[^1].Date));
    }

    [Fact]
    public void Windows_that_are_not_consecutive_sessions_are_never_joined_even_when_no_window_covers_the_days_between()
    {
        var work = new List<WindowWork> { Fresh("SPY", new(2024, 1, 1), new(2024, 3, 31)), Fresh("SPY", new(2024, 7, 1), new(2024, 9, 30)) };

        var plan = FetchPlanner.Plan(work, Year2024, maxChunks: 4, PageSize);

        Assert.Equal(2, plan.Count);
        Assert.DoesNotContain(plan.SelectMany(item => item.Sessions), day => day.Date.Month is >= 4 and <= 6);
    }

    [Fact]
    public void A_window_whose_last_attempt_failed_is_fetched_alone_and_overlapping_windows_fetch_a_session_once()
    {
        var failed = Fresh("BAD", new(2024, 3, 4), new(2024, 3, 8)) with { Task = Task("BAD", new(2024, 3, 4), new(2024, 3, 8)) with { Error = "500" } };
        var work = new List<WindowWork>
        {
            Fresh("SPY", new(2024, 3, 4), new(2024, 3, 8)),
            Fresh("SPY", new(2024, 3, 6), new(2024, 3, 8)), // another job's window over the same days
            Fresh("BAD", new(2024, 3, 11), new(2024, 3, 15)),
            failed,
            Fresh("QQQ", new(2024, 3, 4), new(2024, 3, 8)),
        };

        var plan = FetchPlanner.Plan(work, Year2024, maxChunks: 4, PageSize);

        var alone = Assert.Single(plan, item => item.Symbols.SequenceEqual(["BAD"]) && item.Sessions[0].Date == new DateOnly(2024, 3, 4));
        Assert.Equal(5, alone.Sessions.Count); // not joined with its symbol's next window either
        Assert.Single(plan, item => item.Symbols.SequenceEqual(["BAD"]) && item.Sessions[0].Date == new DateOnly(2024, 3, 11));
        var shared = Assert.Single(plan, item => item.Symbols.Count == 2);
        Assert.Equal(["QQQ", "SPY"], shared.Symbols);
        Assert.Equal(5, shared.Sessions.Count);
    }

    [Fact]
    public void Many_symbols_are_split_into_requests_of_at_most_a_hundred()
    {
        var work = Tickers(250).Select(symbol => Fresh(symbol, new(2024, 3, 4), new(2024, 3, 4))).ToList();

        var plan = FetchPlanner.Plan(work, Year2024, maxChunks: 4, PageSize);

        Assert.Equal([100, 100, 50], plan.Select(item => item.Symbols.Count));
        Assert.Equal(250, plan.SelectMany(item => item.Symbols).Distinct().Count());
    }

    [Fact]
    public void Nothing_missing_plans_nothing()
    {
        var work = new List<WindowWork> { Window("SPY", new(2024, 3, 1), new(2024, 3, 31), missing: _ => false) };

        Assert.Empty(FetchPlanner.Plan(work, Year2024, maxChunks: 4, PageSize));
    }

    private static List<string> Tickers(int count) => [.. Enumerable.Range(0, count).Select(i => $"S{i:D3}")];

    private static IEnumerable<(DateOnly Start, DateOnly End)> Quarters() =>
        JobWindow.Split(new(2024, 1, 1), new(2024, 12, 31), 91, new(2025, 1, 1)).Select(w => (w.Start, w.End));

    private static WindowWork Fresh(string symbol, DateOnly start, DateOnly end) => Window(symbol, start, end, _ => true);

    private static WindowWork Window(string symbol, DateOnly start, DateOnly end, Func<DateOnly, bool> missing)
    {
        var sessions = Year2024.Where(day => day.Date >= start && day.Date <= end).ToList();
        return new WindowWork(Task(symbol, start, end), sessions, sessions.Select(day => day.Date).Where(missing).ToHashSet());
    }

    private static JobTask Task(string symbol, DateOnly start, DateOnly end) =>
        new(Guid.NewGuid(), Guid.NewGuid(), 0, symbol, start, end, "iex", "running", 1);
}
