using StockPlatform.Frontend.Gateway;
using StockPlatform.MarketData.Calendar;

namespace StockPlatform.Frontend.Display;

/// <summary>
/// Live minutes turned into the chart's bars, by the gateway's rules (clock-anchored buckets in New
/// York wall-clock time, daily bars by New York session date; open of the first part, close of
/// the last, high/low the extremes, volume and trades summed, vwap volume-weighted). At 1m a
/// minute is its own bar. Coarser intervals keep the last bucket as the bar first loaded for it
/// (the seed, whose minutes are unknown) plus the live minutes since, so a correction of one of
/// those minutes refolds the bucket exactly rather than folding the new values over the old.
/// </summary>
public sealed class LiveBuckets
{
    private readonly int _step;
    private readonly bool _daily;
    private readonly bool _regular;
    private readonly SortedDictionary<DateTime, Bar> _minutes = [];
    private DateTime? _bucket;
    private Bar? _seed;

    /// <param name="interval">One of <see cref="ChartBars.Intervals"/>.</param>
    /// <param name="session"><c>regular</c> or <c>extended</c>, as the chart was loaded.</param>
    /// <param name="last">The newest bar loaded, whose bucket live minutes may still extend; null when none is.</param>
    public LiveBuckets(string interval, string session, Bar? last)
    {
        (_step, _daily) = interval switch
        {
            "1m" => (1, false),
            "5m" => (5, false),
            "15m" => (15, false),
            "1h" => (60, false),
            "1d" => (0, true),
            _ => throw new ArgumentException($"'{interval}' is not an interval the chart shows.", nameof(interval)),
        };
        _regular = session == "regular";
        if (last is not null && _step != 1)
        {
            _bucket = last.Timestamp;
            _seed = last;
        }
    }

    /// <summary>
    /// The bar to draw after <paramref name="minute"/>: the minute itself at 1m, else its bucket
    /// folded with it. Null when the chart does not show it: outside the session, in a bucket
    /// before the last one, or a correction of a minute only the seed holds (its old values are
    /// unknown, so it cannot be taken out; the next load shows it).
    /// </summary>
    public Bar? Apply(LiveBar minute)
    {
        if (!Shows(minute.Timestamp)) return null;
        var bar = minute.ToBar();
        if (_step == 1) return bar;

        var bucket = BucketOf(minute.Timestamp);
        if (_bucket is not { } current || bucket > current)
        {
            _bucket = bucket;
            _seed = null;
            _minutes.Clear();
        }
        else if (bucket < current || (minute.IsCorrection && _seed is not null && !_minutes.ContainsKey(bar.Timestamp)))
        {
            return null;
        }
        _minutes[bar.Timestamp] = bar;
        return Fold();
    }

    // The session the chart was loaded with: the calendar's regular hours, or for extended the
    // whole day at intraday intervals and pre-market to after-hours for daily bars (as the store).
    private bool Shows(DateTime minute)
    {
        var start = new DateTimeOffset(minute, TimeSpan.Zero);
        if (!_regular && !_daily) return true;
        if (NyseCalendar.GetTradingDay(NewYorkTime.DateOf(start)) is not { } day) return false;
        return _regular ? day.IsRegularMinute(start) : day.IsExtendedMinute(start);
    }

    private DateTime BucketOf(DateTime minute)
    {
        var start = new DateTimeOffset(minute, TimeSpan.Zero);
        var date = NewYorkTime.DateOf(start);
        if (_daily) return NewYorkTime.StartOfDay(date).UtcDateTime;
        // Every step divides a day, so flooring the minute of the New York day is date_bin from midnight.
        var local = NewYorkTime.FromUtc(start);
        var ofDay = (local.Hour * 60) + local.Minute;
        return NewYorkTime.ToUtc(date, TimeOnly.FromTimeSpan(TimeSpan.FromMinutes(ofDay - (ofDay % _step)))).UtcDateTime;
    }

    private Bar Fold()
    {
        List<Bar> parts = _seed is null ? [.. _minutes.Values] : [_seed, .. _minutes.Values];
        var volume = parts.Sum(p => p.Volume);
        var vwap = volume > 0 ? parts.Sum(p => p.Vwap * p.Volume) / volume : parts.Average(p => p.Vwap);
        return new Bar(_bucket!.Value, parts[0].Open, parts.Max(p => p.High), parts.Min(p => p.Low), parts[^1].Close,
            volume, parts.Sum(p => p.TradeCount), vwap, Complete: false);
    }
}
