using System.Collections.Concurrent;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Aggregates;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Infrastructure;
using StockPlatform.Storage.Schema;
using StockPlatform.Storage.Tests.Support;

namespace StockPlatform.Storage.Tests;

/// <summary>
/// What only the TimescaleDB path has: compression, continuous aggregates kept current by the
/// refresher off the write path, retention, and a server that must preload the extension.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TimescalePathTests
{
    private static readonly BarQuery[] Reads =
    [
        new(Symbol.Parse("X"), BarInterval.OneMinute),
        new(Symbol.Parse("X"), BarInterval.FiveMinutes),
        new(Symbol.Parse("X"), BarInterval.OneHour),
        new(Symbol.Parse("X"), BarInterval.OneHour) { Anchor = HourAnchor.Session, Session = SessionFilter.Regular },
        new(Symbol.Parse("X"), BarInterval.OneDay),
    ];

    [TimescaleFact]
    public async Task A_server_with_timescaledb_installed_but_not_preloaded_is_refused_saying_how_to_fix_it()
    {
        await using var server = await LocalPostgres.StartAsync(timescale: false);
        await using var db = await StorageHost.CreateAsync(server: server.ConnectionString);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => db.Schema.GetInfoAsync());

        Assert.Contains("does not preload it", error.Message, StringComparison.Ordinal);
        Assert.Contains("shared_preload_libraries", error.Message, StringComparison.Ordinal);
        Assert.Contains("STOCKPLATFORM_TIMESCALE=off", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM schema_migrations"));

        // As the message says: switched off, the same server serves the plain path.
        await using var plain = await StorageHost.CreateAsync(server: server.ConnectionString, settings: new Dictionary<string, string?> { ["Storage:Timescale"] = "off" });
        Assert.Equal(StoragePath.Plain, (await plain.Schema.GetInfoAsync()).Path);
    }

    [TimescaleFact]
    public async Task Bars_in_compressed_chunks_are_corrected_and_re_ingested_exactly()
    {
        await using var db = await StorageHost.CreateAsync();
        var symbol = Symbol.Parse("CMPR");
        var minutes = Minutes.RandomSessions(seed: 7, Minutes.Dates(new(2024, 1, 8), new(2024, 1, 19)));
        await db.Bars.UpsertAsync(symbol, "iex", minutes);
        await db.Refresher.RefreshAsync(force: true);

        await db.CompressAllChunksAsync("bars_1m");
        var chunks = await db.ScalarAsync<long>("SELECT count(*) FROM show_chunks('bars_1m')");
        Assert.True(chunks >= 2, $"{chunks} chunks");
        Assert.Equal(chunks, await db.ScalarAsync<long>("SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'bars_1m' AND is_compressed"));

        // Re-ingesting the same sessions changes nothing; a corrected minute replaces the stored one.
        Assert.Equal(new UpsertResult(0, 0, minutes.Count), await db.Bars.UpsertAsync(symbol, "iex", minutes));
        var corrected = minutes.Select((bar, i) => i % 97 == 0 ? bar with { Volume = bar.Volume + 3, TradeCount = bar.TradeCount + 1 } : bar).ToList();
        var changes = corrected.Where((bar, i) => bar != minutes[i]).Count();
        Assert.Equal(new UpsertResult(0, changes, minutes.Count - changes), await db.Bars.UpsertAsync(symbol, "iex", corrected));

        await AssertReadsAsync(db, symbol, corrected, "corrected, aggregates stale");
        Assert.Equal(RefreshState.Refreshed, (await db.Refresher.RefreshAsync(force: true)).State);
        await AssertReadsAsync(db, symbol, corrected, "corrected, aggregates refreshed");
    }

    [TimescaleFact]
    public async Task A_streamed_minute_and_a_streamed_correction_dirty_only_the_hour_they_fall_in()
    {
        // No refresh but the test's own, so the dirty hours are there to see.
        var patient = new Dictionary<string, string?> { ["Storage:AggregateRefresh:QuietPeriod"] = "01:00:00", ["Storage:AggregateRefresh:MaxDelay"] = "01:00:00" };
        await using var db = await StorageHost.CreateAsync(settings: patient);
        var symbol = Symbol.Parse("LIVE");
        var other = Symbol.Parse("LIVE2");
        var session = Minutes.RandomSessions(seed: 11, [new DateOnly(2024, 5, 6)], keep: 1);
        await db.Bars.UpsertAsync(symbol, "iex", session[..^1]);
        await db.Bars.UpsertAsync(other, "iex", session);
        await db.Refresher.RefreshAsync(force: true);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM bars_dirty"));

        // As the live writer sends them: the newest minute of one symbol and a correction of another's, in one batch.
        var streamed = session[^1];
        var corrected = session[100] with { Volume = session[100].Volume + 7 };
        Assert.Equal(new UpsertResult(1, 1, 0), await db.Bars.UpsertAsync([new SymbolBar(symbol, streamed), new SymbolBar(other, corrected)], "iex"));

        static DateTimeOffset HourOf(DateTimeOffset t) => new(t.Ticks / TimeSpan.TicksPerHour * TimeSpan.TicksPerHour, TimeSpan.Zero);
        var dirty = await db.ScalarAsync<string>("""
            SELECT string_agg(symbol || ' ' || to_char(from_ts AT TIME ZONE 'UTC', 'HH24:MI') || '-' || to_char(to_ts AT TIME ZONE 'UTC', 'HH24:MI'), ', ' ORDER BY symbol) FROM bars_dirty
            """);
        Assert.Equal(
            $"LIVE {HourOf(streamed.Timestamp):HH:mm}-{HourOf(streamed.Timestamp).AddHours(1):HH:mm}, LIVE2 {HourOf(corrected.Timestamp):HH:mm}-{HourOf(corrected.Timestamp).AddHours(1):HH:mm}",
            dirty);

        // Read before and after the refresh: the one hour comes from the minutes, the rest from the aggregates, all exact.
        await AssertReadsAsync(db, symbol, session, "streamed, aggregates stale");
        await db.Refresher.RefreshAsync(force: true);
        await AssertReadsAsync(db, symbol, session, "streamed, aggregates refreshed");
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM bars_dirty"));
    }

    [TimescaleFact]
    public async Task Eight_concurrent_writers_and_refreshers_never_collide_and_the_aggregates_end_exact()
    {
        await using var db = await StorageHost.CreateAsync();
        var series = Enumerable.Range(0, 8).ToDictionary(
            i => Symbol.Parse($"CC{i}"),
            i => Minutes.RandomSessions(seed: 100 + i, Minutes.Dates(new(2024, 4, 1), new(2024, 4, 12))));

        var outcomes = new ConcurrentBag<RefreshState>();
        using var writing = new CancellationTokenSource();
        var refreshers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            while (!writing.IsCancellationRequested) outcomes.Add((await db.Refresher.RefreshAsync(force: true)).State);
        })).ToList();
        // Pages of a backfill: each symbol's minutes in the order they arrive, with overlaps.
        await Task.WhenAll(series.Select(pair => Task.Run(async () =>
        {
            foreach (var page in pair.Value.Chunk(1500)) await db.Bars.UpsertAsync(pair.Key, "iex", page);
        })));
        await writing.CancelAsync();
        await Task.WhenAll(refreshers);

        Assert.Contains(RefreshState.Refreshed, outcomes);
        Assert.Empty(db.Logs.Messages(nameof(DbRetry))); // no conflict, nothing retried
        await db.Refresher.RefreshAsync(force: true);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM bars_dirty"));
        foreach (var (view, length) in new[] { ("bars_5m", "5 minutes"), ("bars_15m", "15 minutes"), ("bars_30m", "30 minutes"), ("bars_1h", "1 hour") })
        {
            // Both ways round: every bucket of the minutes is in the aggregate with the same values, and nothing else.
            var minutesAggregated = $"""
                SELECT symbol, time_bucket(INTERVAL '{length}', ts), first(open, ts), max(high), min(low), last(close, ts),
                       sum(volume)::bigint, sum(trade_count)::bigint, sum(vwap * volume), count(*)
                FROM bars_1m GROUP BY 1, 2
                """;
            var stored = $"SELECT symbol, bucket, open, high, low, close, volume, trade_count, vwap_volume, minutes FROM {view}";
            Assert.Equal(0L, await db.ScalarAsync<long>($"SELECT count(*) FROM ({minutesAggregated} EXCEPT {stored}) d"));
            Assert.Equal(0L, await db.ScalarAsync<long>($"SELECT count(*) FROM ({stored} EXCEPT {minutesAggregated}) d"));
        }
        foreach (var (symbol, minutes) in series.Take(2)) await AssertReadsAsync(db, symbol, minutes, $"{symbol} after concurrent writes");
    }

    [TimescaleFact]
    public async Task Dropping_old_chunks_keeps_the_derived_bars_of_that_range_and_the_rest_exact()
    {
        await using var db = await StorageHost.CreateAsync();
        var symbol = Symbol.Parse("RETN");
        var old = Minutes.RandomSessions(seed: 11, Minutes.Dates(new(2024, 1, 8), new(2024, 1, 12)));
        var recent = Minutes.RandomSessions(seed: 12, Minutes.Dates(new(2024, 3, 4), new(2024, 3, 8)));
        await db.Bars.UpsertAsync(symbol, "iex", [.. old, .. recent]);
        await db.Refresher.RefreshAsync(force: true);

        // The compression policy may be compressing those very chunks (a fresh database runs it at
        // once): the two deadlock now and then, as a retention policy would, which runs again.
        long dropped = 0;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                dropped = await db.ScalarAsync<long>("SELECT count(*) FROM drop_chunks('bars_1m', older_than => timestamptz '2024-02-15')");
                break;
            }
            catch (Npgsql.PostgresException ex) when (ex.SqlState == Npgsql.PostgresErrorCodes.DeadlockDetected && attempt < 5)
            {
                await Task.Delay(200 * attempt);
            }
        }

        Assert.True(dropped >= 1);
        var januaryEnd = new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Empty(await BarReads.AllAsync(db.Bars, new BarQuery(symbol, BarInterval.OneMinute) { End = januaryEnd }));
        // The aggregates keep what was derived before the minutes went (downsampled history).
        foreach (var interval in new[] { BarInterval.FiveMinutes, BarInterval.OneDay })
        {
            var query = new BarQuery(symbol, interval) { End = januaryEnd };
            BarAssert.Equal(ExpectedBars.For(old, query), await BarReads.AllAsync(db.Bars, query), $"{interval} of the dropped range");
        }
        await AssertReadsAsync(db, symbol, recent, "the range kept", from: new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero));
    }

    [TimescaleFact]
    public async Task The_refresher_waits_for_writes_to_pause_then_covers_them_and_reads_stay_exact_throughout()
    {
        var patient = new Dictionary<string, string?> { ["Storage:AggregateRefresh:QuietPeriod"] = "01:00:00", ["Storage:AggregateRefresh:MaxDelay"] = "01:00:00" };
        await using var db = await StorageHost.CreateAsync(settings: patient);
        var symbol = Symbol.Parse("WAIT");
        var minutes = Minutes.RandomSessions(seed: 21, Minutes.Dates(new(2024, 5, 6), new(2024, 5, 8)));
        await db.Bars.UpsertAsync(symbol, "iex", minutes);

        Assert.Equal(RefreshState.Waiting, (await db.Refresher.RefreshAsync()).State);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM bars_5m"));
        await AssertReadsAsync(db, symbol, minutes, "nothing refreshed yet");

        var outcome = await db.Refresher.RefreshAsync(force: true);
        Assert.Equal(RefreshState.Refreshed, outcome.State);
        Assert.Equal(1, outcome.Windows);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM bars_dirty"));
        Assert.True(await db.ScalarAsync<long>("SELECT count(*) FROM bars_5m") > 0);
        await AssertReadsAsync(db, symbol, minutes, "refreshed");
        Assert.Equal(RefreshState.NotNeeded, (await db.Refresher.RefreshAsync(force: true)).State);
    }

    [Fact]
    public void Changed_ranges_of_any_symbols_merge_into_windows_when_they_overlap_or_lie_close()
    {
        static DateTime H(int day, int hour) => new(2024, 1, day, hour, 0, 0, DateTimeKind.Utc);

        var windows = AggregateRefresher.Coalesce(
            [(H(2, 9), H(2, 12)), (H(2, 11), H(2, 20)), (H(3, 9), H(3, 10)), (H(10, 9), H(10, 12)), (H(2, 10), H(2, 11))],
            TimeSpan.FromDays(1));

        Assert.Equal([(H(2, 9), H(3, 10)), (H(10, 9), H(10, 12))], windows);
        Assert.Equal(3, AggregateRefresher.Coalesce([(H(2, 9), H(2, 10)), (H(2, 11), H(2, 12)), (H(2, 13), H(2, 14))], TimeSpan.Zero).Count);
    }

    private static async Task AssertReadsAsync(StorageHost db, Symbol symbol, IReadOnlyList<Bar> minutes, string context, DateTimeOffset? from = null)
    {
        foreach (var read in Reads)
        {
            var query = read with { Symbol = symbol, Start = from };
            var expected = ExpectedBars.For(minutes, query);
            Assert.NotEmpty(expected);
            BarAssert.Equal(expected, await BarReads.AllAsync(db.Bars, query), $"{query.Interval} {query.Anchor} {query.EffectiveSession}, {context}");
        }
    }
}
