using StockPlatform.MarketData.Calendar;

namespace StockPlatform.MarketSim.Data;

/// <summary>A trading day with its instants converted to UTC once, since generation and queries ask for them per bar.</summary>
internal sealed class SessionTimes
{
    public SessionTimes(TradingDay day)
    {
        Day = day;
        MidnightUtc = NewYorkTime.StartOfDay(day.Date);
        SessionOpenUtc = day.SessionOpenUtc;
        OpenUtc = day.OpenUtc;
        CloseUtc = day.CloseUtc;
        SessionCloseUtc = day.SessionCloseUtc;
    }

    public TradingDay Day { get; }

    public DateOnly Date => Day.Date;

    /// <summary>New York midnight in UTC: the label of the day's daily bar.</summary>
    public DateTimeOffset MidnightUtc { get; }

    public DateTimeOffset SessionOpenUtc { get; }

    public DateTimeOffset OpenUtc { get; }

    public DateTimeOffset CloseUtc { get; }

    public DateTimeOffset SessionCloseUtc { get; }

    /// <summary>Minutes in the extended session (960, or 780 on early-close days).</summary>
    public int SessionMinutes => (int)(SessionCloseUtc - SessionOpenUtc).TotalMinutes;

    public bool IsExtendedMinute(DateTimeOffset barStart) => barStart >= SessionOpenUtc && barStart < SessionCloseUtc;

    public bool IsRegularMinute(DateTimeOffset barStart) => barStart >= OpenUtc && barStart < CloseUtc;
}

/// <summary>
/// The NYSE calendar over the span MarketSim has data for, computed once: generation asks for
/// the session of every day it touches, and the tz conversions are not free.
/// </summary>
internal static class MarketCalendar
{
    /// <summary>First date with data.</summary>
    public static readonly DateOnly FirstDate = new(NyseCalendar.FirstYear, 1, 1);

    /// <summary>Last date with data (the calendar's rules are only known to hold until then).</summary>
    public static readonly DateOnly LastDate = new(NyseCalendar.LastYear, 12, 31);

    // A few weeks past the last date so that its sessions still find the next trading day.
    private static readonly DateOnly TableEnd = LastDate.AddDays(30);

    private static readonly Lazy<SessionTimes?[]> Table = new(() =>
    {
        var days = new SessionTimes?[TableEnd.DayNumber - FirstDate.DayNumber + 1];
        foreach (var day in NyseCalendar.GetTradingDays(FirstDate, TableEnd))
        {
            days[day.Date.DayNumber - FirstDate.DayNumber] = new SessionTimes(day);
        }
        return days;
    });

    /// <summary>Number of table slots; index = date.DayNumber - FirstDate.DayNumber.</summary>
    public static int Length => Table.Value.Length;

    /// <summary>The session on <paramref name="date"/>, or null on closed days and outside the data span.</summary>
    public static SessionTimes? Get(DateOnly date) =>
        date < FirstDate || date > LastDate ? null : Table.Value[date.DayNumber - FirstDate.DayNumber];

    /// <summary>True when the slot at <paramref name="index"/> is a trading day.</summary>
    public static bool IsTradingIndex(int index) => Table.Value[index] is not null;

    /// <summary>The first trading day after <paramref name="date"/>, looking into the few weeks past the data span too.</summary>
    public static SessionTimes NextSession(DateOnly date)
    {
        var table = Table.Value;
        for (var i = date.DayNumber - FirstDate.DayNumber + 1; i < table.Length; i++)
        {
            if (table[i] is { } next) return next;
        }
        throw new ArgumentOutOfRangeException(nameof(date), date, "No trading day follows within the data span.");
    }
}
