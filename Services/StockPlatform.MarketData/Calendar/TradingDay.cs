namespace StockPlatform.MarketData.Calendar;

/// <summary>
/// One trading day as Alpaca's calendar describes it: regular session <see cref="Open"/> to
/// <see cref="Close"/> (13:00 on early-close days) and the extended session
/// <see cref="SessionOpen"/> to <see cref="SessionClose"/>, all New York wall-clock times.
/// </summary>
public sealed record TradingDay(DateOnly Date, TimeOnly Open, TimeOnly Close, TimeOnly SessionOpen, TimeOnly SessionClose)
{
    /// <summary>The regular close of a full day.</summary>
    public static readonly TimeOnly RegularClose = new(16, 0);

    /// <summary>True on half days (the day after Thanksgiving, Christmas Eve, ...).</summary>
    public bool IsEarlyClose => Close < RegularClose;

    /// <summary>Regular session open in UTC.</summary>
    public DateTimeOffset OpenUtc => NewYorkTime.ToUtc(Date, Open);

    /// <summary>Regular session close in UTC (exclusive: the last regular minute bar starts one minute earlier).</summary>
    public DateTimeOffset CloseUtc => NewYorkTime.ToUtc(Date, Close);

    /// <summary>Extended session (pre-market) open in UTC.</summary>
    public DateTimeOffset SessionOpenUtc => NewYorkTime.ToUtc(Date, SessionOpen);

    /// <summary>Extended session (after-hours) close in UTC.</summary>
    public DateTimeOffset SessionCloseUtc => NewYorkTime.ToUtc(Date, SessionClose);

    /// <summary>True when a minute bar starting at <paramref name="barStart"/> belongs to the regular session.</summary>
    public bool IsRegularMinute(DateTimeOffset barStart) => barStart >= OpenUtc && barStart < CloseUtc;

    /// <summary>True when a minute bar starting at <paramref name="barStart"/> belongs to the extended session.</summary>
    public bool IsExtendedMinute(DateTimeOffset barStart) => barStart >= SessionOpenUtc && barStart < SessionCloseUtc;
}
