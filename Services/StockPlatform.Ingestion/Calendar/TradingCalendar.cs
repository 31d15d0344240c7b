using StockPlatform.MarketData.Alpaca.Rest;
using StockPlatform.MarketData.Calendar;
using StockPlatform.ServiceDefaults.Logging;
using StockPlatform.Storage.Calendar;

namespace StockPlatform.Ingestion.Calendar;

/// <summary>
/// The trading days the agent plans with: Alpaca's calendar as stored, fetched for the whole years
/// around a range the first time it is asked for, so one request serves every window, symbol and
/// corporate action of those years.
/// </summary>
public sealed partial class TradingCalendar(CalendarStore calendar, AlpacaRestClient alpaca, ILogger<TradingCalendar> logger)
{
    /// <summary>The trading days from <paramref name="start"/> to <paramref name="end"/>, inclusive, in order.</summary>
    public async Task<IReadOnlyList<TradingDay>> GetTradingDaysAsync(DateOnly start, DateOnly end, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginWorkScope(stage: "calendar");
        if (!await calendar.CoversAsync(start, end, cancellationToken))
        {
            var from = new DateOnly(start.Year, 1, 1);
            var to = new DateOnly(end.Year, 12, 31);
            var days = await alpaca.GetCalendarAsync(from, to, cancellationToken);
            await calendar.SaveRangeAsync(from, to, days, cancellationToken);
            LogCalendarStored(from, to, days.Count);
        }
        return await calendar.GetTradingDaysAsync(start, end, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored the calendar for {Start}..{End}: {Sessions} trading days")]
    private partial void LogCalendarStored(DateOnly start, DateOnly end, int sessions);
}
