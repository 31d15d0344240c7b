using System.Globalization;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Tests.Support;

namespace StockPlatform.Storage.Tests;

public sealed class AggregationTests(AggregationData data) : IClassFixture<AggregationData>
{
    private static readonly Symbol Symbol = AggregationData.Symbol;

    public static TheoryData<string, HourAnchor, SessionFilter?, StoredAs> Reads()
    {
        var reads = new (string Interval, HourAnchor Anchor, SessionFilter? Session)[]
        {
            ("1m", HourAnchor.Clock, null),
            ("1m", HourAnchor.Clock, SessionFilter.Regular),
            ("5m", HourAnchor.Clock, null),
            ("5m", HourAnchor.Clock, SessionFilter.Regular),
            ("15m", HourAnchor.Clock, null),
            ("15m", HourAnchor.Clock, SessionFilter.Regular),
            ("30m", HourAnchor.Clock, null),
            ("30m", HourAnchor.Clock, SessionFilter.Regular),
            ("1h", HourAnchor.Clock, null),
            ("1h", HourAnchor.Clock, SessionFilter.Regular),
            ("1h", HourAnchor.Session, null),
            ("1h", HourAnchor.Session, SessionFilter.Regular),
            ("90m", HourAnchor.Clock, null),
            ("90m", HourAnchor.Clock, SessionFilter.Regular),
            ("90m", HourAnchor.Session, null),
            ("1d", HourAnchor.Clock, null),
            ("1d", HourAnchor.Clock, SessionFilter.Extended),
        };
        var theory = new TheoryData<string, HourAnchor, SessionFilter?, StoredAs>();
        foreach (var storedAs in AggregationData.All)
            foreach (var (interval, anchor, session) in reads) theory.Add(interval, anchor, session, storedAs);
        return theory;
    }

    [Fact]
    public void The_random_minutes_cover_what_the_checks_need()
    {
        var local = data.Source.Select(b => (Bar: b, Ny: NewYorkTime.FromUtc(b.Timestamp))).ToList();
        var dates = local.Select(x => DateOnly.FromDateTime(x.Ny)).Distinct().ToList();

        // Both sides of both clock changes, and the half day.
        Assert.Contains(new DateOnly(2024, 3, 8), dates);
        Assert.Contains(new DateOnly(2024, 3, 11), dates);
        Assert.Contains(new DateOnly(2024, 11, 1), dates);
        Assert.Contains(new DateOnly(2024, 11, 4), dates);
        Assert.Contains(local, x => x.Ny.Date == new DateTime(2024, 11, 29) && x.Ny.Hour is >= 13 and < 17);
        Assert.DoesNotContain(local, x => x.Ny.Date == new DateTime(2024, 11, 29) && x.Ny.Hour >= 17);
        // Pre-market, after-hours, minutes without trades, and gaps.
        Assert.Contains(local, x => x.Ny.TimeOfDay < new TimeSpan(9, 30, 0));
        Assert.Contains(local, x => x.Ny.TimeOfDay >= new TimeSpan(16, 0, 0));
        Assert.Contains(local, x => x.Bar.Volume == 0);
        var possible = dates.Sum(d => NyseCalendar.GetTradingDay(d)!.SessionCloseUtc.Subtract(NyseCalendar.GetTradingDay(d)!.SessionOpenUtc).TotalMinutes);
        Assert.InRange(data.Source.Count / possible, 0.55, 0.65);
    }

    [Theory]
    [MemberData(nameof(Reads))]
    public async Task Bars_at_every_interval_match_an_independent_computation_from_the_minutes(string interval, HourAnchor anchor, SessionFilter? session, StoredAs storedAs)
    {
        var query = new BarQuery(Symbol, BarInterval.Parse(interval)) { Anchor = anchor, Session = session };
        var expected = ExpectedBars.For(data.Source, query);

        var actual = await BarReads.AllAsync(data.Host(storedAs).Bars, query);

        BarAssert.Equal(expected, actual, $"{interval} {anchor} {query.EffectiveSession}, {storedAs}");
        Assert.All(actual, bar => Assert.True(bar.IsComplete));
    }

    [Theory]
    [MemberData(nameof(Reads))]
    public async Task The_archive_tiers_aggregation_in_csharp_composes_the_stores_bars_digit_for_digit(string interval, HourAnchor anchor, SessionFilter? session, StoredAs storedAs)
    {
        // Reads past the hot store's retention compose archived minutes with MinuteAggregator, day by day.
        var query = new BarQuery(Symbol, BarInterval.Parse(interval)) { Anchor = anchor, Session = session };
        var stored = await BarReads.AllAsync(data.Host(storedAs).Bars, query);

        var composed = data.Source.GroupBy(bar => NewYorkTime.DateOf(bar.Timestamp)).OrderBy(day => day.Key)
            .SelectMany(day => MinuteAggregator.AggregateDay(NyseCalendar.GetTradingDay(day.Key)!,
                [.. day.OrderBy(b => b.Timestamp).Select(b => new StoredBar(b.Timestamp, b.Open, b.High, b.Low, b.Close, b.Volume, b.TradeCount, b.Vwap, true))],
                query, DateTimeOffset.MaxValue))
            .ToList();

        BarAssert.Equal(stored, composed, $"{interval} {anchor} {query.EffectiveSession}, {storedAs}");
        // The same digits too (PostgreSQL's round(x, 8) keeps eight decimals), so JSON and CSV are identical.
        Assert.Equal(stored.Select(b => b.Vwap.ToString(CultureInfo.InvariantCulture)), composed.Select(b => b.Vwap.ToString(CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Years_stored_day_by_day_read_as_daily_bars_at_once_before_any_refresh()
    {
        // A backfill stores a session at a time: on TimescaleDB each leaves its own stale range
        // until the refresher runs. Reading every range for every session once took minutes here.
        await using var host = await StorageHost.CreateAsync();
        var symbol = Symbol.Parse("LONG");
        var days = NyseCalendar.GetTradingDays(new DateOnly(2023, 1, 3), new DateOnly(2024, 12, 31)).ToList();
        foreach (var day in days)
        {
            await host.Bars.UpsertAsync(symbol, "iex",
                [.. Enumerable.Range(0, (int)(day.CloseUtc - day.OpenUtc).TotalMinutes).Select(i => new Bar(day.OpenUtc.AddMinutes(i), 100m, 101m, 99m, 100.5m, 10, 1, 100.25m))]);
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var slice = await host.Bars.GetBarsAsync(new BarQuery(symbol, BarInterval.OneDay) { Latest = true, Limit = 260 });
        watch.Stop();

        Assert.Equal(days.TakeLast(260).Select(d => NewYorkTime.StartOfDay(d.Date)), slice.Bars.Select(b => b.Timestamp));
        Assert.Equal(days.TakeLast(260).Select(d => 10L * (long)(d.CloseUtc - d.OpenUtc).TotalMinutes), slice.Bars.Select(b => b.Volume));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the daily read took {watch.Elapsed.TotalSeconds:0.0} s");
    }

    [TimescaleFact]
    public async Task The_stores_under_test_hold_current_aggregates_dirty_hours_or_both()
    {
        static Task<long> CountAsync(StorageHost host, string sql) => host.ScalarAsync<long>(sql);
        var buckets5m = data.Source.Select(b => b.Timestamp.Ticks / TimeSpan.FromMinutes(5).Ticks).Distinct().LongCount();

        // Never refreshed: every read above comes from the minutes.
        Assert.Equal(0L, await CountAsync(data.Host(StoredAs.Unrefreshed), "SELECT count(*) FROM bars_5m"));
        Assert.True(await CountAsync(data.Host(StoredAs.Unrefreshed), "SELECT count(*) FROM bars_dirty") > 0);
        // Refreshed: from the aggregates, every bucket there.
        Assert.Equal(buckets5m, await CountAsync(data.Host(StoredAs.Refreshed), "SELECT count(*) FROM bars_5m"));
        Assert.Equal(0L, await CountAsync(data.Host(StoredAs.Refreshed), "SELECT count(*) FROM bars_dirty"));
        // Partly: stale buckets in the aggregate under dirty hours, and the later half only dirty.
        var partly = data.Host(StoredAs.PartlyDirty);
        Assert.InRange(await CountAsync(partly, "SELECT count(*) FROM bars_5m"), 1, buckets5m - 1);
        Assert.True(await CountAsync(partly, """
            SELECT count(*) FROM (
                SELECT a.bucket FROM bars_5m a JOIN bars_1m b ON b.symbol = a.symbol AND b.ts >= a.bucket AND b.ts < a.bucket + interval '5 minutes'
                GROUP BY a.bucket, a.volume HAVING a.volume <> sum(b.volume)) stale
            """) > 0, "some aggregate buckets hold the stale volumes the reads must not use");
    }

    [Fact]
    public async Task Daily_bars_are_labelled_at_new_york_midnight_and_end_at_the_half_day_close()
    {
        var regular = await BarReads.AllAsync(data.Host(StoredAs.Unrefreshed).Bars, new BarQuery(Symbol, BarInterval.OneDay));
        var extended = await BarReads.AllAsync(data.Host(StoredAs.Unrefreshed).Bars, new BarQuery(Symbol, BarInterval.OneDay) { Session = SessionFilter.Extended });

        Assert.Contains(regular, bar => bar.Timestamp == new DateTimeOffset(2024, 3, 8, 5, 0, 0, TimeSpan.Zero));  // EST
        Assert.Contains(regular, bar => bar.Timestamp == new DateTimeOffset(2024, 3, 11, 4, 0, 0, TimeSpan.Zero)); // EDT
        Assert.Contains(regular, bar => bar.Timestamp == new DateTimeOffset(2024, 11, 4, 5, 0, 0, TimeSpan.Zero)); // EST again
        var halfDay = NewYorkTime.StartOfDay(new DateOnly(2024, 11, 29));
        var lastRegular = data.Source.Last(b => b.Timestamp < Minutes.Ny(2024, 11, 29, 13, 0));
        var lastExtended = data.Source.Last(b => b.Timestamp < Minutes.Ny(2024, 11, 29, 17, 0));
        Assert.NotEqual(lastRegular, lastExtended);
        Assert.Equal(lastRegular.Close, regular.Single(b => b.Timestamp == halfDay).Close);
        Assert.Equal(lastExtended.Close, extended.Single(b => b.Timestamp == halfDay).Close);
        Assert.DoesNotContain(regular, bar => bar.Timestamp == NewYorkTime.StartOfDay(new DateOnly(2024, 11, 28))); // Thanksgiving
    }

    [Fact]
    public async Task Hourly_buckets_start_on_the_clock_or_at_half_past_with_the_session_anchor()
    {
        var clock = await BarReads.AllAsync(data.Host(StoredAs.Unrefreshed).Bars, new BarQuery(Symbol, BarInterval.OneHour));
        var session = await BarReads.AllAsync(data.Host(StoredAs.Unrefreshed).Bars, new BarQuery(Symbol, BarInterval.OneHour) { Anchor = HourAnchor.Session });

        Assert.All(clock, bar => Assert.Equal(0, NewYorkTime.FromUtc(bar.Timestamp).Minute));
        Assert.All(session, bar => Assert.Equal(30, NewYorkTime.FromUtc(bar.Timestamp).Minute));
        Assert.Contains(session, bar => bar.Timestamp == Minutes.Ny(2024, 3, 11, 8, 30));
        Assert.Contains(session, bar => bar.Timestamp == Minutes.Ny(2024, 3, 11, 9, 30));
        Assert.Contains(session, bar => bar.Timestamp == Minutes.Ny(2024, 3, 11, 10, 30));
    }

    [Fact]
    public async Task Regular_intraday_bars_start_within_the_regular_session_only()
    {
        var bars = await BarReads.AllAsync(data.Host(StoredAs.Refreshed).Bars, new BarQuery(Symbol, BarInterval.FiveMinutes) { Session = SessionFilter.Regular });

        Assert.All(bars, bar => Assert.True(ExpectedBars.IsRegular(bar.Timestamp), BarAssert.Describe(bar)));
        // The half day's last regular bar holds its last minute before 13:00, and nothing later.
        var close = Minutes.Ny(2024, 11, 29, 13, 0);
        var lastMinute = data.Source.Last(b => b.Timestamp < close);
        var lastBar = bars.Last(b => NewYorkTime.DateOf(b.Timestamp) == new DateOnly(2024, 11, 29));
        Assert.InRange(lastBar.Timestamp, lastMinute.Timestamp.AddMinutes(-4), lastMinute.Timestamp);
        Assert.Equal(lastMinute.Close, lastBar.Close);
    }

    [Theory]
    [InlineData("1m", 37)]
    [InlineData("5m", 100)]
    [InlineData("1h", 10)]
    [InlineData("90m", 1)]
    [InlineData("1d", 5)]
    public async Task Latest_returns_the_last_bars_in_ascending_order(string interval, int limit)
    {
        var query = new BarQuery(Symbol, BarInterval.Parse(interval)) { Latest = true, Limit = limit };
        var expected = ExpectedBars.For(data.Source, query);

        foreach (var storedAs in AggregationData.All)
        {
            var slice = await data.Host(storedAs).Bars.GetBarsAsync(query);
            BarAssert.Equal(expected.TakeLast(limit).ToList(), slice.Bars, $"latest {limit} x {interval}, {storedAs}");
            Assert.True(slice.HasMore);
        }
    }

    [Fact]
    public async Task Latest_within_a_range_ends_before_the_range_end_and_says_when_there_is_nothing_more()
    {
        var start = Minutes.Ny(2024, 3, 6, 0, 0);
        var end = Minutes.Ny(2024, 3, 11, 12, 0);
        var query = new BarQuery(Symbol, BarInterval.OneHour) { Start = start, End = end, Latest = true, Limit = 5 };
        var expected = ExpectedBars.For(data.Source, query).Where(b => b.Timestamp >= start && b.Timestamp < end).ToList();

        var slice = await data.Host(StoredAs.Unrefreshed).Bars.GetBarsAsync(query);
        var all = await data.Host(StoredAs.Unrefreshed).Bars.GetBarsAsync(new BarQuery(Symbol, BarInterval.OneDay) { Latest = true, Limit = 1000 });

        BarAssert.Equal(expected.TakeLast(5).ToList(), slice.Bars, "latest 5 hours of the range");
        Assert.True(slice.HasMore);
        BarAssert.Equal(ExpectedBars.For(data.Source, new BarQuery(Symbol, BarInterval.OneDay)), all.Bars, "every daily bar");
        Assert.False(all.HasMore);
    }

    [Theory]
    [InlineData("1m", 997)]
    [InlineData("5m", 97)]
    [InlineData("1h", 13)]
    [InlineData("1d", 4)]
    public async Task Paging_from_the_last_bar_plus_one_interval_reproduces_the_whole_series(string interval, int pageSize)
    {
        var query = new BarQuery(Symbol, BarInterval.Parse(interval)) { Anchor = HourAnchor.Session };
        var expected = ExpectedBars.For(data.Source, query);

        foreach (var storedAs in AggregationData.All)
        {
            var first = await data.Host(storedAs).Bars.GetBarsAsync(query with { Limit = pageSize });
            var pages = await BarReads.AllAsync(data.Host(storedAs).Bars, query, pageSize);

            Assert.True(first.HasMore);
            Assert.Equal(pageSize, first.Bars.Count);
            BarAssert.Equal(expected, pages, $"{interval} in pages of {pageSize}, {storedAs}");
        }
    }

    [Theory]
    // The end falls inside the 09:00 bucket, before the regular session opens at 09:30.
    [InlineData("1h", HourAnchor.Clock, SessionFilter.Regular, "2024-03-06 04:00", "2024-03-06 09:15")]
    [InlineData("90m", HourAnchor.Clock, SessionFilter.Regular, "2024-03-06 09:00", "2024-03-06 09:10")]
    [InlineData("5m", HourAnchor.Clock, SessionFilter.Extended, "2024-03-07 10:02", "2024-03-08 11:00")]
    [InlineData("1h", HourAnchor.Session, SessionFilter.Regular, "2024-11-01 08:00", "2024-11-04 10:31")]
    [InlineData("1d", HourAnchor.Clock, SessionFilter.Regular, "2024-03-08 00:00", "2024-11-04 00:00")]
    [InlineData("1d", HourAnchor.Clock, SessionFilter.Extended, "2024-11-29 00:00", "2024-11-29 00:01")]
    public async Task A_ranged_read_returns_exactly_the_bars_that_start_in_the_range(string interval, HourAnchor anchor, SessionFilter session, string from, string to)
    {
        var start = NewYork(from);
        var end = NewYork(to);
        var query = new BarQuery(Symbol, BarInterval.Parse(interval)) { Anchor = anchor, Session = session, Start = start, End = end };
        var expected = ExpectedBars.For(data.Source, query).Where(b => b.Timestamp >= start && b.Timestamp < end).ToList();

        Assert.NotEmpty(expected);
        foreach (var storedAs in AggregationData.All)
        {
            var actual = await BarReads.AllAsync(data.Host(storedAs).Bars, query);
            BarAssert.Equal(expected, actual, $"{interval} {anchor} {session} from {from} to {to}, {storedAs}");
        }
    }

    private static DateTimeOffset NewYork(string local)
    {
        var time = DateTime.ParseExact(local, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        return NewYorkTime.ToUtc(DateOnly.FromDateTime(time), TimeOnly.FromDateTime(time));
    }
}
