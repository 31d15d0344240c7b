namespace StockPlatform.MarketData.Calendar;

/// <summary>
/// Conversions between US exchange wall-clock time (America/New_York) and UTC through the tz
/// database, so the DST switches in March and November are right without hard-coded offsets.
/// </summary>
public static class NewYorkTime
{
    /// <summary>The exchange's time zone.</summary>
    public static TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    /// <summary>The UTC instant of a New York wall-clock time on a date.</summary>
    /// <remarks>
    /// Exchange times never fall in the skipped hour (02:00-03:00 on the spring-forward Sunday) or
    /// the repeated one; should one be asked for, the standard-time reading is used.
    /// </remarks>
    public static DateTimeOffset ToUtc(DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        if (Zone.IsInvalidTime(local)) local = local.AddHours(1);
        var offset = Zone.IsAmbiguousTime(local) ? Zone.BaseUtcOffset : Zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>The New York wall-clock reading of a UTC instant.</summary>
    public static DateTime FromUtc(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, Zone).DateTime;

    /// <summary>The New York calendar date an instant falls on.</summary>
    public static DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(FromUtc(instant));

    /// <summary>UTC midnight-in-New-York of a date: how Alpaca labels daily bars.</summary>
    public static DateTimeOffset StartOfDay(DateOnly date) => ToUtc(date, TimeOnly.MinValue);
}
