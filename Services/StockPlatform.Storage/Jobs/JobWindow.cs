using StockPlatform.MarketData.Calendar;

namespace StockPlatform.Storage.Jobs;

/// <summary>A date window (inclusive) to become a task, with its session count when known.</summary>
public readonly record struct JobWindow(DateOnly Start, DateOnly End, int SessionsTotal = 0)
{
    /// <summary>
    /// Consecutive windows of at most <paramref name="days"/> calendar days covering
    /// [<paramref name="start"/>, <paramref name="end"/>], each with its expected sessions up to
    /// <paramref name="today"/>. The counts are an estimate from the exchange rules; the agent
    /// corrects them from Alpaca's calendar.
    /// </summary>
    public static List<JobWindow> Split(DateOnly start, DateOnly end, int days, DateOnly today)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        var windows = new List<JobWindow>();
        for (var windowStart = start; windowStart <= end; windowStart = windowStart.AddDays(days))
        {
            var windowEnd = windowStart.AddDays(days - 1);
            if (windowEnd > end) windowEnd = end;
            var sessions = NyseCalendar.GetTradingDays(windowStart, windowEnd).Count(day => day.Date <= today);
            windows.Add(new JobWindow(windowStart, windowEnd, sessions));
        }
        return windows;
    }
}
