using StockPlatform.MarketData.Calendar;

namespace StockPlatform.MarketData.Tests.Calendar;

public class NewYorkTimeTests
{
    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    private static TradingDay Day(int y, int m, int d) => NyseCalendar.GetTradingDay(new DateOnly(y, m, d))!;

    [Fact]
    public void The_open_moves_an_hour_earlier_in_utc_across_the_march_switch()
    {
        // Clocks go forward on Sunday 2024-03-10: Friday is EST (UTC-5), Monday is EDT (UTC-4).
        Assert.Equal(Utc(2024, 3, 8, 14, 30), Day(2024, 3, 8).OpenUtc);
        Assert.Equal(Utc(2024, 3, 11, 13, 30), Day(2024, 3, 11).OpenUtc);
        Assert.Equal(Utc(2024, 3, 11, 8, 0), Day(2024, 3, 11).SessionOpenUtc);
    }

    [Fact]
    public void The_open_moves_an_hour_later_in_utc_across_the_november_switch()
    {
        // Clocks go back on Sunday 2024-11-03.
        Assert.Equal(Utc(2024, 11, 1, 13, 30), Day(2024, 11, 1).OpenUtc);
        Assert.Equal(Utc(2024, 11, 4, 14, 30), Day(2024, 11, 4).OpenUtc);
        Assert.Equal(Utc(2024, 11, 5, 1, 0), Day(2024, 11, 4).SessionCloseUtc);
    }

    [Fact]
    public void Wall_clock_times_on_the_switch_days_themselves_convert_correctly()
    {
        Assert.Equal(Utc(2024, 3, 10, 6, 59), NewYorkTime.ToUtc(new DateOnly(2024, 3, 10), new TimeOnly(1, 59)));
        Assert.Equal(Utc(2024, 3, 10, 7, 0), NewYorkTime.ToUtc(new DateOnly(2024, 3, 10), new TimeOnly(3, 0)));
        Assert.Equal(Utc(2024, 11, 3, 14, 30), NewYorkTime.ToUtc(new DateOnly(2024, 11, 3), new TimeOnly(9, 30)));
        Assert.Equal(Utc(2024, 3, 10, 13, 30), NewYorkTime.ToUtc(new DateOnly(2024, 3, 10), new TimeOnly(9, 30)));
    }

    [Fact]
    public void Early_closes_in_winter_end_at_18_00_utc()
    {
        Assert.Equal(Utc(2024, 11, 29, 18, 0), Day(2024, 11, 29).CloseUtc);
        Assert.Equal(Utc(2024, 12, 24, 18, 0), Day(2024, 12, 24).CloseUtc);
        Assert.Equal(Utc(2024, 12, 24, 22, 0), Day(2024, 12, 24).SessionCloseUtc);
    }

    [Fact]
    public void Daily_bars_are_labelled_at_new_york_midnight()
    {
        Assert.Equal(Utc(2022, 2, 1, 5, 0), NewYorkTime.StartOfDay(new DateOnly(2022, 2, 1)));
        Assert.Equal(Utc(2023, 9, 29, 4, 0), NewYorkTime.StartOfDay(new DateOnly(2023, 9, 29)));
    }

    [Fact]
    public void Minutes_are_classified_into_regular_and_extended_sessions()
    {
        var day = Day(2024, 11, 29);

        Assert.True(day.IsRegularMinute(Utc(2024, 11, 29, 14, 30)));
        Assert.True(day.IsRegularMinute(Utc(2024, 11, 29, 17, 59)));
        Assert.False(day.IsRegularMinute(Utc(2024, 11, 29, 18, 0)));
        Assert.True(day.IsExtendedMinute(Utc(2024, 11, 29, 18, 0)));
        Assert.True(day.IsExtendedMinute(Utc(2024, 11, 29, 9, 0)));
        Assert.False(day.IsExtendedMinute(Utc(2024, 11, 29, 22, 0)));
    }

    [Fact]
    public void The_new_york_date_of_an_evening_utc_instant_is_the_same_day()
    {
        Assert.Equal(new DateOnly(2024, 3, 8), NewYorkTime.DateOf(Utc(2024, 3, 9, 0, 30)));
        Assert.Equal(new DateOnly(2024, 3, 9), NewYorkTime.DateOf(Utc(2024, 3, 9, 5, 30)));
    }
}
