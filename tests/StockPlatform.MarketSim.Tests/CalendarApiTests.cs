using System.Globalization;
using System.Net;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketSim.Tests.Support;

namespace StockPlatform.MarketSim.Tests;

/// <summary><c>/v2/calendar</c> is NyseCalendar in Alpaca's format (sample E).</summary>
public class CalendarApiTests
{
    [Fact]
    public async Task The_2024_calendar_has_252_trading_days_matching_nyse_calendar()
    {
        await using var sim = await SimHost.StartAsync();

        var response = await sim.GetAsync("/v2/calendar?start=2024-01-01&end=2024-12-31");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var days = response.Root.EnumerateArray().ToList();
        Assert.Equal(252, days.Count);
        var expected = NyseCalendar.GetTradingDays(new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31)).ToList();
        foreach (var (json, day) in days.Zip(expected))
        {
            Assert.Equal(["date", "open", "close", "session_open", "session_close", "settlement_date"], json.EnumerateObject().Select(p => p.Name));
            Assert.Equal(day.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), json.GetProperty("date").GetString());
            Assert.Equal(day.Open.ToString("HH:mm", CultureInfo.InvariantCulture), json.GetProperty("open").GetString());
            Assert.Equal(day.Close.ToString("HH:mm", CultureInfo.InvariantCulture), json.GetProperty("close").GetString());
            Assert.Equal(day.SessionOpen.ToString("HHmm", CultureInfo.InvariantCulture), json.GetProperty("session_open").GetString());
            Assert.Equal(day.SessionClose.ToString("HHmm", CultureInfo.InvariantCulture), json.GetProperty("session_close").GetString());
        }
        // Settlement is the next trading day.
        Assert.Equal(days.Skip(1).Select(d => d.GetProperty("date").GetString()), days.SkipLast(1).Select(d => d.GetProperty("settlement_date").GetString()));
    }

    [Fact]
    public async Task Half_days_close_at_13_with_the_extended_session_until_17()
    {
        await using var sim = await SimHost.StartAsync();

        var response = await sim.GetAsync("/v2/calendar?start=2024-11-27&end=2024-12-02");

        Assert.Equal(
            """[{"date":"2024-11-27","open":"09:30","close":"16:00","session_open":"0400","session_close":"2000","settlement_date":"2024-11-29"},{"date":"2024-11-29","open":"09:30","close":"13:00","session_open":"0400","session_close":"1700","settlement_date":"2024-12-02"},{"date":"2024-12-02","open":"09:30","close":"16:00","session_open":"0400","session_close":"2000","settlement_date":"2024-12-03"}]""",
            response.Body);
    }

    [Fact]
    public async Task A_malformed_date_is_refused()
    {
        await using var sim = await SimHost.StartAsync();

        var response = await sim.GetAsync("/v2/calendar?start=2024-13-01");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        Assert.Contains("start", response.Root.GetProperty("message").GetString());
    }
}
