using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Tests.Support;
using static StockPlatform.Storage.Tests.Support.Minutes;

namespace StockPlatform.Storage.Tests;

/// <summary>
/// <see cref="BarStore.StreamBarsAsync"/> (one statement for a whole range) and <see cref="BarStore.ReadPageAsync"/>
/// (a page handed on as it is read): the same bars as the pages.
/// </summary>
public sealed class BarStreamTests
{
    private static readonly Symbol Spy = Symbol.Parse("SPY");

    public static TheoryData<string, string?, string> Reads => new()
    {
        { "1m", null, "clock" },
        { "1m", "regular", "clock" },
        { "5m", null, "clock" },
        { "15m", "regular", "clock" },
        { "1h", null, "clock" },
        { "1h", "regular", "session" },
        { "1d", null, "clock" },
        { "1d", "extended", "clock" },
    };

    [Theory]
    [MemberData(nameof(Reads))]
    public async Task A_stream_and_pages_handed_on_hold_the_bars_the_pages_hold(string interval, string? session, string anchor)
    {
        await using var db = await StorageHost.CreateAsync();
        var first = new DateOnly(2024, 3, 4);
        var last = new DateOnly(2024, 3, 15); // across the change to daylight time on the 10th
        await db.Calendar.SaveRangeAsync(first, last, NyseCalendar.GetTradingDays(first, last).ToList());
        var minutes = RandomSessions(7, Dates(first, last));
        // On TimescaleDB the aggregates are refreshed, then a few hours corrected: stale hours are
        // read from the minutes, the rest from the aggregates, in one stream as in the pages.
        await db.Bars.UpsertAsync(Spy, "iex", minutes);
        await db.Refresher.RefreshAsync(force: true);
        await db.Bars.UpsertAsync(Spy, "iex", [.. minutes.Where((_, i) => i % 997 == 0).Select(bar => bar with { Volume = bar.Volume + 3 })]);

        var query = new BarQuery(Spy, BarInterval.Parse(interval))
        {
            Start = NewYorkTime.StartOfDay(first.AddDays(1)).AddMinutes(7),
            End = NewYorkTime.StartOfDay(last),
            Session = session switch { "regular" => SessionFilter.Regular, "extended" => SessionFilter.Extended, _ => null },
            Anchor = anchor == "session" ? HourAnchor.Session : HourAnchor.Clock,
        };
        var paged = new List<StoredBar>();
        var pageEnds = new List<(int Count, bool HasMore)>();
        for (var page = query with { Limit = 37 }; ;)
        {
            var slice = await db.Bars.GetBarsAsync(page);
            paged.AddRange(slice.Bars);
            pageEnds.Add((paged.Count, slice.HasMore));
            if (!slice.HasMore) break;
            page = page with { Start = slice.Bars[^1].Timestamp.AddMicroseconds(1) };
        }

        // The same pages handed on bar by bar (one statement each where rows come in index order).
        var handed = new List<StoredBar>();
        var handedEnds = new List<(int Count, bool HasMore)>();
        for (var page = query with { Limit = 37 }; ;)
        {
            var more = await db.Bars.ReadPageAsync(page, bar => { handed.Add(bar); return ValueTask.CompletedTask; }, handOnAsRead: true);
            handedEnds.Add((handed.Count, more));
            if (!more) break;
            page = page with { Start = handed[^1].Timestamp.AddMicroseconds(1) };
        }
        var latest = await db.Bars.GetBarsAsync(query with { Latest = true, Start = null, Limit = 11 });
        var latestHanded = new List<StoredBar>();
        var latestMore = await db.Bars.ReadPageAsync(query with { Latest = true, Start = null, Limit = 11 }, bar => { latestHanded.Add(bar); return ValueTask.CompletedTask; }, handOnAsRead: true);

        var streamed = await db.Bars.StreamBarsAsync(query with { Limit = int.MaxValue }).ToListAsync();
        var firstFew = await db.Bars.StreamBarsAsync(query with { Limit = 5 }).ToListAsync();

        Assert.True(paged.Count > 5, $"only {paged.Count} bars to compare");
        Assert.Equal(paged, streamed);
        Assert.Equal(paged.Take(5), firstFew);
        Assert.Equal(paged, handed);
        Assert.Equal(pageEnds, handedEnds);
        Assert.Equal(latest.Bars, latestHanded);
        Assert.Equal(latest.HasMore, latestMore);
    }

    [Fact]
    public async Task A_stream_cut_off_by_the_server_resumes_after_the_last_bar_it_handed_on()
    {
        await using var db = await StorageHost.CreateAsync();
        // ~20 MB of rows: far more than the socket buffers hold, so the server is still sending
        // when its connection is ended.
        var minutes = Run(Ny(2024, 1, 2, 4, 0), 200_000);
        await db.Bars.UpsertAsync(Spy, "iex", minutes);
        var query = new BarQuery(Spy, BarInterval.OneMinute) { Start = minutes[0].Timestamp, End = minutes[^1].Timestamp.AddMinutes(1), Limit = int.MaxValue };

        var streamed = new List<StoredBar>();
        var terminated = false;
        await foreach (var bar in db.Bars.StreamBarsAsync(query))
        {
            streamed.Add(bar);
            if (streamed.Count != 1_000) continue;
            terminated = await db.ScalarAsync<bool>("""
                SELECT coalesce(bool_and(pg_terminate_backend(pid)), false) FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE '%FROM bars_1m b%'
                """);
        }

        Assert.True(terminated, "the streaming statement was not found to end");
        Assert.Contains(db.Logs.Messages(nameof(BarStore)), message => message.Contains("resuming after the last bar sent", StringComparison.Ordinal));
        Assert.Equal(minutes.Select(bar => bar.Timestamp), streamed.Select(bar => bar.Timestamp));
        Assert.Equal(minutes.Select(bar => bar.Volume), streamed.Select(bar => bar.Volume));
    }

    [Fact]
    public async Task A_stream_of_the_latest_bars_or_of_no_bars_is_refused()
    {
        await using var db = await StorageHost.CreateAsync();
        var query = new BarQuery(Spy, BarInterval.FiveMinutes);

        await Assert.ThrowsAsync<ArgumentException>(async () => await db.Bars.StreamBarsAsync(query with { Latest = true }).ToListAsync());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await db.Bars.StreamBarsAsync(query with { Limit = 0 }).ToListAsync());
        Assert.Empty(await db.Bars.StreamBarsAsync(query with { Start = Ny(2024, 3, 6, 9, 30) }).ToListAsync());
    }
}
