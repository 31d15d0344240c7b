using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.Storage.Bars;

/// <summary>
/// The store's aggregation rules in C#, for minutes that are not in the hot store (the Parquet
/// archive): N-minute buckets in New York wall-clock time from midnight (clock anchor) or 09:30
/// (session anchor), daily bars over the calendar's session labelled at New York midnight; open
/// = first minute's open, close = last minute's close, high/low = max/min, volume and trade count
/// summed, vwap = sum(vwap x volume) / sum(volume) rounded half away from zero to 8 places (the
/// mean vwap when nothing traded), exactly as <see cref="BarStore"/>'s SQL composes them.
/// </summary>
public static class MinuteAggregator
{
    private const int SessionOpenMinute = (9 * 60) + 30;
    private static readonly DateTime Origin = new(2000, 1, 3);

    /// <summary>
    /// The bars of <paramref name="query"/>'s interval, session and anchor that one trading day's
    /// minutes (ascending, of that day only) make; complete when their end is not after <paramref name="now"/>.
    /// </summary>
    public static List<StoredBar> AggregateDay(TradingDay day, IReadOnlyList<StoredBar> minutes, BarQuery query, DateTimeOffset now)
    {
        var regular = query.EffectiveSession == SessionFilter.Regular;
        var inSession = minutes.Where(m => regular ? day.IsRegularMinute(m.Timestamp) : query.Interval.IsDaily ? day.IsExtendedMinute(m.Timestamp) : true).ToList();
        if (inSession.Count == 0) return [];

        if (query.Interval.IsDaily)
        {
            var end = regular ? day.CloseUtc : day.SessionCloseUtc;
            return [Compose(NewYorkTime.StartOfDay(day.Date), end, inSession, now)];
        }
        if (query.Interval.Minutes == 1)
            return [.. inSession.Select(m => m with { IsComplete = m.Timestamp.AddMinutes(1) <= now })];

        var step = query.Interval.Minutes;
        var anchor = query.Anchor == HourAnchor.Session ? SessionOpenMinute : 0;
        var bars = new List<StoredBar>();
        var group = new List<StoredBar>();
        DateTimeOffset? current = null;
        foreach (var minute in inSession)
        {
            var bucket = BucketStart(minute.Timestamp, step, anchor);
            if (current is { } open && bucket != open)
            {
                bars.Add(Compose(open, open.AddMinutes(step), group, now));
                group.Clear();
            }
            current = bucket;
            group.Add(minute);
        }
        bars.Add(Compose(current!.Value, current.Value.AddMinutes(step), group, now));
        return bars;
    }

    // date_bin over New York local time from a Monday at 00:00 (or 09:30), in whole steps, floored.
    private static DateTimeOffset BucketStart(DateTimeOffset timestamp, int step, int anchorMinute)
    {
        var local = NewYorkTime.FromUtc(timestamp);
        var origin = Origin.AddMinutes(anchorMinute);
        var elapsed = (long)(local - origin).TotalMinutes;
        var floored = elapsed - (((elapsed % step) + step) % step);
        var bucket = origin.AddMinutes(floored);
        return NewYorkTime.ToUtc(DateOnly.FromDateTime(bucket), TimeOnly.FromDateTime(bucket));
    }

    private static StoredBar Compose(DateTimeOffset label, DateTimeOffset end, List<StoredBar> minutes, DateTimeOffset now)
    {
        decimal high = minutes[0].High, low = minutes[0].Low, notional = 0, vwapSum = 0;
        long volume = 0, trades = 0;
        foreach (var minute in minutes)
        {
            if (minute.High > high) high = minute.High;
            if (minute.Low < low) low = minute.Low;
            volume += minute.Volume;
            trades += minute.TradeCount;
            notional += minute.Vwap * minute.Volume;
            vwapSum += minute.Vwap;
        }
        var vwap = volume > 0 ? notional / volume : vwapSum / minutes.Count;
        return new StoredBar(label, minutes[0].Open, high, low, minutes[^1].Close, volume, trades, RoundToScale8(vwap), IsComplete: end <= now);
    }

    // PostgreSQL's round(x, 8) answers with exactly 8 decimals (500.12000000): the same digits here.
    private static decimal RoundToScale8(decimal value)
    {
        var units = decimal.Truncate(Math.Round(value, 8, MidpointRounding.AwayFromZero) * 100_000_000m);
        var bits = decimal.GetBits(units);
        return new decimal(bits[0], bits[1], bits[2], units < 0, 8);
    }
}
