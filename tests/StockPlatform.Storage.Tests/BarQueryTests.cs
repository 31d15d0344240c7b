using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Tests.Support;
using static StockPlatform.Storage.Tests.Support.Minutes;

namespace StockPlatform.Storage.Tests;

public sealed class BarQueryTests
{
    private static readonly Symbol Spy = Symbol.Parse("SPY");

    [Fact]
    public async Task Bars_whose_bucket_ends_after_now_are_not_complete()
    {
        // 14:07 on the half day: the regular session closed at 13:00, the extended one runs to 17:00.
        var now = Ny(2024, 11, 29, 14, 7);
        await using var db = await StorageHost.CreateAsync(new FixedTime(now));
        await db.Bars.UpsertAsync(Spy, "iex", [.. Run(Ny(2024, 11, 27, 15, 0), 10), .. Run(Ny(2024, 11, 29, 12, 50), 77)]);

        var minutes = (await db.Bars.GetBarsAsync(new BarQuery(Spy, BarInterval.OneMinute))).Bars;
        var fives = (await db.Bars.GetBarsAsync(new BarQuery(Spy, BarInterval.FiveMinutes))).Bars;
        var hours = (await db.Bars.GetBarsAsync(new BarQuery(Spy, BarInterval.OneHour))).Bars;
        var regularDays = (await db.Bars.GetBarsAsync(new BarQuery(Spy, BarInterval.OneDay))).Bars;
        var extendedDays = (await db.Bars.GetBarsAsync(new BarQuery(Spy, BarInterval.OneDay) { Session = SessionFilter.Extended })).Bars;

        Assert.All(minutes, bar => Assert.True(bar.IsComplete)); // the last one, 14:06, ended at 14:07
        Assert.Equal(Ny(2024, 11, 29, 14, 5), fives[^1].Timestamp);
        Assert.False(fives[^1].IsComplete);
        Assert.All(fives.SkipLast(1), bar => Assert.True(bar.IsComplete));
        Assert.Equal(Ny(2024, 11, 29, 14, 0), hours[^1].Timestamp);
        Assert.False(hours[^1].IsComplete);
        Assert.All(hours.SkipLast(1), bar => Assert.True(bar.IsComplete));
        Assert.Equal(new[] { true, true }, regularDays.Select(bar => bar.IsComplete));
        Assert.Equal(new[] { true, false }, extendedDays.Select(bar => bar.IsComplete));
    }

    [Fact]
    public async Task Reads_with_an_end_not_after_the_start_or_a_limit_out_of_range_are_refused()
    {
        await using var db = await StorageHost.CreateAsync();
        var start = Ny(2024, 3, 6, 9, 30);
        var query = new BarQuery(Spy, BarInterval.FiveMinutes);

        await Assert.ThrowsAsync<ArgumentException>(() => db.Bars.GetBarsAsync(query with { Start = start, End = start }));
        await Assert.ThrowsAsync<ArgumentException>(() => db.Bars.GetBarsAsync(query with { Start = start, End = start.AddMinutes(-1) }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => db.Bars.GetBarsAsync(query with { Limit = 0 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => db.Bars.GetBarsAsync(query with { Limit = -1 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => db.Bars.GetBarsAsync(query with { Limit = BarStore.MaxLimit + 1 }));
        Assert.Empty((await db.Bars.GetBarsAsync(query with { Limit = BarStore.MaxLimit })).Bars);
    }

    [Fact]
    public async Task A_symbol_with_no_bars_reads_as_empty()
    {
        await using var db = await StorageHost.CreateAsync();
        await db.Bars.UpsertAsync(Spy, "iex", Run(Ny(2024, 3, 6, 9, 30), 3));

        var slice = await db.Bars.GetBarsAsync(new BarQuery(Symbol.Parse("QQQ"), BarInterval.OneDay) { Latest = true });
        var outside = await db.Bars.GetBarsAsync(new BarQuery(Spy, BarInterval.OneMinute) { Start = Ny(2024, 3, 7, 9, 30) });

        Assert.Empty(slice.Bars);
        Assert.False(slice.HasMore);
        Assert.Empty(outside.Bars);
        Assert.False(outside.HasMore);
    }

    [Fact]
    public async Task A_stored_calendar_decides_the_sessions_over_the_rules()
    {
        await using var db = await StorageHost.CreateAsync();
        // Every minute of 2024-03-05..07 from 09:00 to 17:00 New York time.
        var dates = Dates(new(2024, 3, 5), new(2024, 3, 7)).ToList();
        await db.Bars.UpsertAsync(Spy, "iex", dates.SelectMany(d => Run(NewYorkTime.ToUtc(d, new TimeOnly(9, 0)), 480)).ToList());
        var before = (await db.Bars.GetBarsAsync(new BarQuery(Spy, BarInterval.OneDay))).Bars;

        // Suppose Alpaca said the 6th was closed and the 7th closed at 13:00.
        var rules = NyseCalendar.GetTradingDays(dates[0], dates[^1]).ToList();
        await db.Calendar.SaveRangeAsync(dates[0], dates[^1], [rules[0], rules[2] with { Close = new TimeOnly(13, 0) }]);
        var after = (await db.Bars.GetBarsAsync(new BarQuery(Spy, BarInterval.OneDay))).Bars;
        var regularHours = (await db.Bars.GetBarsAsync(new BarQuery(Spy, BarInterval.OneHour) { Session = SessionFilter.Regular })).Bars;

        var lastDay = Run(NewYorkTime.ToUtc(dates[2], new TimeOnly(9, 0)), 480); // minute i is 09:00 + i
        Assert.Equal(3, before.Count);
        Assert.Equal(lastDay[419].Close, before[2].Close); // 15:59
        Assert.Equal(new[] { NewYorkTime.StartOfDay(dates[0]), NewYorkTime.StartOfDay(dates[2]) }, after.Select(b => b.Timestamp));
        Assert.Equal(lastDay[239].Close, after[1].Close); // 12:59
        Assert.Equal(lastDay.Skip(30).Take(210).Sum(b => b.Volume), after[1].Volume); // 09:30 to 12:59
        Assert.DoesNotContain(regularHours, bar => NewYorkTime.DateOf(bar.Timestamp) == dates[1]);
        Assert.Equal(Ny(2024, 3, 7, 12, 0), regularHours[^1].Timestamp);
    }
}
