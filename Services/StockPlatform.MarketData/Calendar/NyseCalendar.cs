namespace StockPlatform.MarketData.Calendar;

/// <summary>
/// The NYSE trading calendar computed from the exchange's rules: weekends, the nine regular
/// holidays with their observed dates, Juneteenth from 2022, Good Friday, the national days of
/// mourning, and the 13:00 early closes (the day before Independence Day, the day after
/// Thanksgiving, Christmas Eve). Used by MarketSim to serve Alpaca's calendar, and wherever the
/// platform must know a session without asking Alpaca.
/// </summary>
public static class NyseCalendar
{
    /// <summary>First year the rules here are known to match the exchange.</summary>
    public const int FirstYear = 2000;

    /// <summary>Last year the rules here are expected to match (the exchange publishes a few years ahead).</summary>
    public const int LastYear = 2030;

    private static readonly TimeOnly RegularOpen = new(9, 30);
    private static readonly TimeOnly RegularClose = new(16, 0);
    private static readonly TimeOnly EarlyClose = new(13, 0);
    private static readonly TimeOnly ExtendedOpen = new(4, 0);
    private static readonly TimeOnly ExtendedClose = new(20, 0);
    private static readonly TimeOnly EarlyExtendedClose = new(17, 0);

    // Closures decreed for a single day, outside the holiday rules.
    private static readonly Dictionary<DateOnly, string> SpecialClosures = new()
    {
        [new DateOnly(2001, 9, 11)] = "September 11 attacks",
        [new DateOnly(2001, 9, 12)] = "September 11 attacks",
        [new DateOnly(2001, 9, 13)] = "September 11 attacks",
        [new DateOnly(2001, 9, 14)] = "September 11 attacks",
        [new DateOnly(2004, 6, 11)] = "National day of mourning for Ronald Reagan",
        [new DateOnly(2007, 1, 2)] = "National day of mourning for Gerald Ford",
        [new DateOnly(2012, 10, 29)] = "Hurricane Sandy",
        [new DateOnly(2012, 10, 30)] = "Hurricane Sandy",
        [new DateOnly(2018, 12, 5)] = "National day of mourning for George H. W. Bush",
        [new DateOnly(2025, 1, 9)] = "National day of mourning for Jimmy Carter",
    };

    /// <summary>The trading day on <paramref name="date"/>, or null when the exchange is closed.</summary>
    public static TradingDay? GetTradingDay(DateOnly date)
    {
        if (HolidayName(date) is not null) return null;
        return IsEarlyClose(date)
            ? new TradingDay(date, RegularOpen, EarlyClose, ExtendedOpen, EarlyExtendedClose)
            : new TradingDay(date, RegularOpen, RegularClose, ExtendedOpen, ExtendedClose);
    }

    /// <summary>Every trading day from <paramref name="start"/> to <paramref name="end"/>, inclusive, in order.</summary>
    public static IEnumerable<TradingDay> GetTradingDays(DateOnly start, DateOnly end)
    {
        for (var date = start; date <= end; date = date.AddDays(1))
        {
            if (GetTradingDay(date) is { } day) yield return day;
        }
    }

    /// <summary>True when the exchange trades on <paramref name="date"/>.</summary>
    public static bool IsTradingDay(DateOnly date) => HolidayName(date) is null;

    /// <summary>Why the exchange is closed on <paramref name="date"/> ("Saturday", "Good Friday", ...), or null when it trades.</summary>
    public static string? HolidayName(DateOnly date)
    {
        if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) return date.DayOfWeek.ToString();
        if (SpecialClosures.TryGetValue(date, out var reason)) return reason;

        var year = date.Year;
        // New Year's Day moves to Monday when on a Sunday; when on a Saturday it is not observed
        // (the exchange does not close on the last trading day of the year before).
        if (date == Observed(new DateOnly(year, 1, 1), saturdayToFriday: false)) return "New Year's Day";
        if (year >= 1998 && date == NthWeekday(year, 1, DayOfWeek.Monday, 3)) return "Martin Luther King Jr. Day";
        if (date == NthWeekday(year, 2, DayOfWeek.Monday, 3)) return "Washington's Birthday";
        if (date == EasterSunday(year).AddDays(-2)) return "Good Friday";
        if (date == LastWeekday(year, 5, DayOfWeek.Monday)) return "Memorial Day";
        if (year >= 2022 && date == Observed(new DateOnly(year, 6, 19))) return "Juneteenth";
        if (date == Observed(new DateOnly(year, 7, 4))) return "Independence Day";
        if (date == NthWeekday(year, 9, DayOfWeek.Monday, 1)) return "Labor Day";
        if (date == NthWeekday(year, 11, DayOfWeek.Thursday, 4)) return "Thanksgiving Day";
        if (date == Observed(new DateOnly(year, 12, 25))) return "Christmas Day";
        return null;
    }

    /// <summary>True for trading days that close at 13:00.</summary>
    public static bool IsEarlyClose(DateOnly date)
    {
        if (!IsTradingDay(date)) return false;
        var year = date.Year;

        // The day before Independence Day, when the holiday itself falls on Tuesday to Friday.
        var july4 = new DateOnly(year, 7, 4);
        if (date == july4.AddDays(-1) && july4.DayOfWeek is >= DayOfWeek.Tuesday and <= DayOfWeek.Friday) return true;

        // The day after Thanksgiving.
        if (date == NthWeekday(year, 11, DayOfWeek.Thursday, 4).AddDays(1)) return true;

        // Christmas Eve on Monday to Thursday (on a Friday it is the observed Christmas holiday).
        return date.Month == 12 && date.Day == 24 && date.DayOfWeek is >= DayOfWeek.Monday and <= DayOfWeek.Thursday;
    }

    /// <summary>Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm).</summary>
    public static DateOnly EasterSunday(int year)
    {
        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = ((19 * a) + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + (2 * e) + (2 * i) - h - k) % 7;
        var m = (a + (11 * h) + (22 * l)) / 451;
        var month = (h + l - (7 * m) + 114) / 31;
        var day = ((h + l - (7 * m) + 114) % 31) + 1;
        return new DateOnly(year, month, day);
    }

    // A fixed-date holiday on a weekend is observed on the nearest weekday.
    private static DateOnly Observed(DateOnly holiday, bool saturdayToFriday = true) => holiday.DayOfWeek switch
    {
        DayOfWeek.Saturday => saturdayToFriday ? holiday.AddDays(-1) : DateOnly.MinValue,
        DayOfWeek.Sunday => holiday.AddDays(1),
        _ => holiday,
    };

    private static DateOnly NthWeekday(int year, int month, DayOfWeek weekday, int n)
    {
        var first = new DateOnly(year, month, 1);
        var offset = ((int)weekday - (int)first.DayOfWeek + 7) % 7;
        return first.AddDays(offset + (7 * (n - 1)));
    }

    private static DateOnly LastWeekday(int year, int month, DayOfWeek weekday)
    {
        var last = new DateOnly(year, month, DateTime.DaysInMonth(year, month));
        var offset = ((int)last.DayOfWeek - (int)weekday + 7) % 7;
        return last.AddDays(-offset);
    }
}
