using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;

namespace StockPlatform.Storage.Tests.Support;

/// <summary>
/// What the store should return, computed here in C# from the minutes themselves and never from
/// the store's SQL: New York wall-clock buckets through TimeZoneInfo, sessions from NyseCalendar,
/// and the aggregation rules written out one by one.
/// </summary>
internal static class ExpectedBars
{
    private const int SessionOpenMinute = (9 * 60) + 30;

    /// <summary>The bars of <paramref name="query"/> over all of <paramref name="minutes"/>, ascending.</summary>
    public static List<StoredBar> For(IEnumerable<Bar> minutes, BarQuery query) => query.Interval.IsDaily
        ? Daily(minutes, query.EffectiveSession)
        : Intraday(minutes, query.Interval.Minutes, query.Anchor, query.EffectiveSession);

    /// <summary>
    /// N-minute bars. Buckets are laid out per New York day: from midnight (clock) or from 09:30
    /// (session) in steps of N wall-clock minutes, so for N dividing a day they never depend on
    /// the UTC offset of the day.
    /// </summary>
    public static List<StoredBar> Intraday(IEnumerable<Bar> minutes, int length, HourAnchor anchor, SessionFilter session)
    {
        var anchorMinute = anchor == HourAnchor.Session ? SessionOpenMinute : 0;
        return minutes
            .Where(bar => session == SessionFilter.Extended || IsRegular(bar.Timestamp))
            .GroupBy(bar => BucketStart(bar.Timestamp, length, anchorMinute))
            .OrderBy(group => group.Key)
            .Select(group => Aggregate(group.Key, group))
            .ToList();
    }

    /// <summary>Daily bars: the session's minutes (regular or extended) of each trading day, labelled at New York midnight.</summary>
    public static List<StoredBar> Daily(IEnumerable<Bar> minutes, SessionFilter session) => minutes
        .Select(bar => (Bar: bar, Day: NyseCalendar.GetTradingDay(NewYorkTime.DateOf(bar.Timestamp))))
        .Where(x => x.Day is not null && (session == SessionFilter.Regular ? x.Day!.IsRegularMinute(x.Bar.Timestamp) : x.Day!.IsExtendedMinute(x.Bar.Timestamp)))
        .GroupBy(x => x.Day!.Date)
        .OrderBy(group => group.Key)
        .Select(group => Aggregate(NewYorkTime.StartOfDay(group.Key), group.Select(x => x.Bar)))
        .ToList();

    /// <summary>True when the minute starting at <paramref name="timestamp"/> is in a regular session.</summary>
    public static bool IsRegular(DateTimeOffset timestamp) =>
        NyseCalendar.GetTradingDay(NewYorkTime.DateOf(timestamp)) is { } day && day.IsRegularMinute(timestamp);

    private static DateTimeOffset BucketStart(DateTimeOffset timestamp, int length, int anchorMinute)
    {
        var local = TimeZoneInfo.ConvertTime(timestamp, NewYorkTime.Zone).DateTime;
        var minuteOfDay = (local.Hour * 60) + local.Minute;
        // Floor division: before the anchor the bucket begins earlier (even the day before).
        var start = (int)Math.Floor((minuteOfDay - anchorMinute) / (double)length) * length + anchorMinute;
        var bucket = local.Date.AddMinutes(start);
        return NewYorkTime.ToUtc(DateOnly.FromDateTime(bucket), TimeOnly.FromDateTime(bucket));
    }

    private static StoredBar Aggregate(DateTimeOffset start, IEnumerable<Bar> group)
    {
        var bars = group.OrderBy(bar => bar.Timestamp).ToList();
        var volume = bars.Sum(bar => bar.Volume);
        var vwap = volume > 0
            ? bars.Sum(bar => bar.Vwap * bar.Volume) / volume
            : bars.Sum(bar => bar.Vwap) / bars.Count; // nothing traded: the mean vwap
        return new StoredBar(
            start,
            bars[0].Open,
            bars.Max(bar => bar.High),
            bars.Min(bar => bar.Low),
            bars[^1].Close,
            volume,
            bars.Sum(bar => bar.TradeCount),
            Math.Round(vwap, 8, MidpointRounding.AwayFromZero),
            IsComplete: true);
    }
}
