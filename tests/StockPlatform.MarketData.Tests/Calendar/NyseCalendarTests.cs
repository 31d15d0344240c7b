using StockPlatform.MarketData.Calendar;

namespace StockPlatform.MarketData.Tests.Calendar;

public class NyseCalendarTests
{
    private static DateOnly D(int year, int month, int day) => new(year, month, day);

    private static TradingDay Day(DateOnly date) =>
        NyseCalendar.GetTradingDay(date) ?? throw new Xunit.Sdk.XunitException($"{date} should be a trading day");

    [Theory]
    [InlineData(2015, 252)]
    [InlineData(2019, 252)]
    [InlineData(2022, 251)]
    [InlineData(2023, 250)]
    [InlineData(2024, 252)]
    public void A_year_has_the_exchange_s_number_of_trading_days(int year, int expected)
    {
        Assert.Equal(expected, NyseCalendar.GetTradingDays(D(year, 1, 1), D(year, 12, 31)).Count());
    }

    [Theory]
    [InlineData(2024, 3, 29)]
    [InlineData(2025, 4, 18)]
    [InlineData(2026, 4, 3)]
    [InlineData(2016, 3, 25)]
    public void Good_friday_is_a_holiday(int year, int month, int day)
    {
        Assert.Equal("Good Friday", NyseCalendar.HolidayName(D(year, month, day)));
    }

    [Theory]
    [InlineData(2026, 7, 3, "Independence Day")]   // July 4, 2026 is a Saturday
    [InlineData(2021, 12, 24, "Christmas Day")]    // December 25, 2021 is a Saturday
    [InlineData(2027, 6, 18, "Juneteenth")]        // June 19, 2027 is a Saturday
    [InlineData(2015, 7, 3, "Independence Day")]
    public void A_saturday_holiday_is_observed_on_the_friday_before(int year, int month, int day, string holiday)
    {
        Assert.Equal(holiday, NyseCalendar.HolidayName(D(year, month, day)));
    }

    [Theory]
    [InlineData(2022, 6, 20, "Juneteenth")]        // June 19, 2022 is a Sunday
    [InlineData(2023, 1, 2, "New Year's Day")]     // January 1, 2023 is a Sunday
    [InlineData(2022, 12, 26, "Christmas Day")]
    [InlineData(2021, 7, 5, "Independence Day")]
    public void A_sunday_holiday_is_observed_on_the_monday_after(int year, int month, int day, string holiday)
    {
        Assert.Equal(holiday, NyseCalendar.HolidayName(D(year, month, day)));
    }

    [Fact]
    public void New_year_on_a_saturday_is_not_observed_in_the_old_year()
    {
        Assert.True(NyseCalendar.IsTradingDay(D(2021, 12, 31)));
        Assert.Equal("Saturday", NyseCalendar.HolidayName(D(2022, 1, 1)));
    }

    [Fact]
    public void Juneteenth_is_a_holiday_only_from_2022()
    {
        Assert.True(NyseCalendar.IsTradingDay(D(2021, 6, 18)));
        Assert.Equal("Juneteenth", NyseCalendar.HolidayName(D(2024, 6, 19)));
    }

    [Theory]
    [InlineData(2024, 1, 15, "Martin Luther King Jr. Day")]
    [InlineData(2024, 2, 19, "Washington's Birthday")]
    [InlineData(2024, 5, 27, "Memorial Day")]
    [InlineData(2024, 9, 2, "Labor Day")]
    [InlineData(2024, 11, 28, "Thanksgiving Day")]
    [InlineData(2018, 12, 5, "National day of mourning for George H. W. Bush")]
    [InlineData(2025, 1, 9, "National day of mourning for Jimmy Carter")]
    public void Rule_based_and_special_closures_are_known(int year, int month, int day, string holiday)
    {
        Assert.Equal(holiday, NyseCalendar.HolidayName(D(year, month, day)));
    }

    [Theory]
    [InlineData(2024, 11, 29)]
    [InlineData(2024, 12, 24)]
    [InlineData(2024, 7, 3)]
    [InlineData(2019, 7, 3)]
    [InlineData(2025, 7, 3)]
    public void Early_closes_end_the_regular_session_at_13_00(int year, int month, int day)
    {
        var tradingDay = Day(D(year, month, day));

        Assert.True(tradingDay.IsEarlyClose);
        Assert.Equal(new TimeOnly(13, 0), tradingDay.Close);
        Assert.Equal(new TimeOnly(17, 0), tradingDay.SessionClose);
    }

    [Theory]
    [InlineData(2026, 7, 2)]   // July 3, 2026 is itself the observed holiday
    [InlineData(2021, 7, 2)]   // July 4, 2021 is a Sunday
    [InlineData(2024, 12, 23)]
    [InlineData(2024, 11, 27)]
    public void Days_near_holidays_without_an_early_close_are_full_days(int year, int month, int day)
    {
        Assert.False(Day(D(year, month, day)).IsEarlyClose);
    }

    [Fact]
    public void Easter_is_computed_for_known_years()
    {
        Assert.Equal(D(2024, 3, 31), NyseCalendar.EasterSunday(2024));
        Assert.Equal(D(2019, 4, 21), NyseCalendar.EasterSunday(2019));
        Assert.Equal(D(2027, 3, 28), NyseCalendar.EasterSunday(2027));
    }
}
