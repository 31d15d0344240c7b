using StockPlatform.MarketData.Calendar;
using StockPlatform.Storage.Tests.Support;

namespace StockPlatform.Storage.Tests;

public sealed class CalendarTests : IAsyncLifetime
{
    private static readonly DateOnly Monday = new(2024, 11, 25);
    private static readonly DateOnly Sunday = new(2024, 12, 1);

    private StorageHost _db = null!;

    public async Task InitializeAsync() => _db = await StorageHost.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task A_range_is_covered_only_once_it_was_saved()
    {
        Assert.False(await _db.Calendar.CoversAsync(Monday, Sunday));

        await _db.Calendar.SaveRangeAsync(Monday, Sunday, NyseCalendar.GetTradingDays(Monday, Sunday).ToList());

        Assert.True(await _db.Calendar.CoversAsync(Monday, Sunday));
        Assert.True(await _db.Calendar.CoversAsync(Monday.AddDays(1), Sunday.AddDays(-1)));
        Assert.True(await _db.Calendar.CoversAsync(Sunday, Sunday)); // a closed day is known too
        Assert.False(await _db.Calendar.CoversAsync(Monday.AddDays(-1), Sunday));
        Assert.False(await _db.Calendar.CoversAsync(Monday, Sunday.AddDays(1)));
    }

    [Fact]
    public async Task Closed_days_are_stored_and_trading_days_read_back_with_their_hours()
    {
        var days = NyseCalendar.GetTradingDays(Monday, Sunday).ToList();

        await _db.Calendar.SaveRangeAsync(Monday, Sunday, days);

        Assert.Equal(7L, await _db.ScalarAsync<long>("SELECT count(*) FROM market_calendar"));
        // Thanksgiving and the weekend are rows with is_open = false and no hours.
        Assert.Equal(3L, await _db.ScalarAsync<long>("SELECT count(*) FROM market_calendar WHERE NOT is_open AND open IS NULL AND session_close IS NULL"));
        Assert.False(await _db.ScalarAsync<bool>("SELECT is_open FROM market_calendar WHERE date = '2024-11-28'"));
        Assert.Equal(new TimeOnly(13, 0), await _db.ScalarAsync<TimeOnly>("SELECT close FROM market_calendar WHERE date = '2024-11-29'"));
        Assert.Equal(new TimeOnly(17, 0), await _db.ScalarAsync<TimeOnly>("SELECT session_close FROM market_calendar WHERE date = '2024-11-29'"));
        Assert.Equal(days, await _db.Calendar.GetTradingDaysAsync(Monday, Sunday));
    }

    [Fact]
    public async Task Stored_days_take_precedence_and_days_outside_fall_back_to_the_rules()
    {
        var wednesday = new DateOnly(2024, 11, 27);
        // A calendar that closes Wednesday early and the exchange otherwise shut on Tuesday.
        await _db.Calendar.SaveRangeAsync(Monday, wednesday,
            [NyseCalendar.GetTradingDay(Monday)!, NyseCalendar.GetTradingDay(wednesday)! with { Close = new TimeOnly(13, 0) }]);

        var days = await _db.Calendar.GetTradingDaysAsync(Monday.AddDays(-3), Sunday);

        Assert.Equal(new[] { new DateOnly(2024, 11, 22), Monday, wednesday, new DateOnly(2024, 11, 29) }, days.Select(d => d.Date));
        Assert.Equal(new TimeOnly(13, 0), days[2].Close);
        Assert.Equal(NyseCalendar.GetTradingDay(new DateOnly(2024, 11, 22)), days[0]);

        // Saving the range again replaces what it said.
        await _db.Calendar.SaveRangeAsync(Monday, wednesday, NyseCalendar.GetTradingDays(Monday, wednesday).ToList());
        Assert.Equal(NyseCalendar.GetTradingDays(Monday, wednesday), await _db.Calendar.GetTradingDaysAsync(Monday, wednesday));
    }
}
