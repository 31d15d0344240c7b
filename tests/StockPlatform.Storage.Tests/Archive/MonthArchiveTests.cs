using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StockPlatform.Archive;
using StockPlatform.Archive.Catalog;
using StockPlatform.Archive.Partitions;
using StockPlatform.Archive.Query;
using StockPlatform.Archive.Tiering;
using StockPlatform.Archive.Verification;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Features;
using StockPlatform.Storage.Infrastructure;
using StockPlatform.Storage.Tests.Support;
using StockPlatform.Storage.Ticks;

namespace StockPlatform.Storage.Tests.Archive;

/// <summary>
/// Bars archived in month files (<c>Archive:Partitioning = month</c>): one file per symbol and month
/// holding every archived session, read back exactly, rewritten whole, verified and read per session.
/// </summary>
public sealed class MonthArchiveTests : IAsyncLifetime
{
    private static readonly Symbol Spy = Symbol.Parse("SPY");
    private static readonly DateOnly[] Days = [new(2024, 3, 4), new(2024, 3, 5), new(2024, 3, 6)];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "sp-month-" + Guid.NewGuid().ToString("N"));
    private StorageHost _host = null!;
    private ArchivePartitionStore _partitions = null!;

    public async Task InitializeAsync()
    {
        _host = await StorageHost.CreateAsync();
        await _host.Calendar.SaveRangeAsync(new(2024, 3, 1), new(2024, 3, 31), [.. NyseCalendar.GetTradingDays(new(2024, 3, 1), new(2024, 3, 31))]);
        _partitions = new ArchivePartitionStore(_host.DataSource, _host.Schema, _host.Services.GetRequiredService<DbRetry>());
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    // One archive over the test's root in the given granularity (a catalog of its own, as a restarted process has).
    private (SessionArchiver Archiver, ArchiveCatalog Catalog, ArchiveLayout Layout) Archive(BarPartitioning partitioning)
    {
        var layout = new ArchiveLayout(_root, partitioning);
        var catalog = new ArchiveCatalog(layout);
        return (new SessionArchiver(_host.Bars, _host.Services.GetRequiredService<FeatureStore>(), _host.Calendar, _partitions, catalog, layout, TimeProvider.System), catalog, layout);
    }

    // Pre-market, regular and after-hours minutes with prices of up to eight decimals, a gap every seventh minute.
    private static List<Bar> Session(DateOnly date, decimal shift = 0m)
    {
        var day = NyseCalendar.GetTradingDays(date, date).Single();
        return [.. Enumerable.Range(0, 960).Where(i => i % 7 != 3)
            .Select(i => day.SessionOpenUtc.AddMinutes(i))
            .Select((t, i) => new Bar(t, 500.1234m + i * 0.01m + shift, 501.5m + i * 0.01m + shift, 499.25m + i * 0.01m + shift, 500.87654321m + i * 0.01m + shift,
                1_000 + i + date.Day, 10 + i % 5, 500.12345678m + i * 0.01m + shift))];
    }

    private static StoredBar Stored(Bar bar) => new(bar.Timestamp, bar.Open, bar.High, bar.Low, bar.Close, bar.Volume, bar.TradeCount, bar.Vwap, IsComplete: true);

    [Fact]
    public async Task Sessions_archived_in_month_mode_share_one_file_that_reads_back_through_duckdb_exactly_with_utc_timestamps()
    {
        var (archiver, catalog, layout) = Archive(BarPartitioning.Month);
        var stored = Days.SelectMany(day => Session(day)).ToList();
        await _host.Bars.UpsertAsync(Spy, "iex", stored);

        // One session at a time, then two at once: the month file grows to hold all three.
        var first = await archiver.ArchiveAsync(Spy, Days[0]);
        var rest = await archiver.ArchiveAsync(Spy, Days[1..]);

        var month = Path.Combine(_root, "parquet", "bars", "symbol=SPY", "month=2024-03", "part-0.parquet");
        Assert.Equal([month, month, month], new[] { first!.Path }.Concat(rest.Select(w => w.Path)));
        Assert.Equal(month, Assert.Single(Directory.EnumerateFiles(layout.BarsRoot, "*", SearchOption.AllDirectories)));
        Assert.Equal(Days.Select(day => Session(day).Count), new[] { first }.Concat(rest).Select(w => w.Rows));

        var rows = await QueryAsync(catalog, "SELECT symbol, dt, ts, open, high, low, close, volume, trade_count, vwap FROM bars ORDER BY ts");
        Assert.Equal(stored.Count, rows.Count);
        for (var i = 0; i < stored.Count; i++)
        {
            var (s, r) = (stored[i], rows[i]);
            Assert.Equal("SPY", r[0]);
            Assert.Equal(NewYorkTime.DateOf(s.Timestamp), r[1]);
            Assert.Equal(s.Timestamp, new DateTimeOffset(DateTime.SpecifyKind((DateTime)r[2], DateTimeKind.Utc)));
            Assert.Equal((s.Open, s.High, s.Low, s.Close, s.Volume, s.TradeCount, s.Vwap),
                ((decimal)r[3], (decimal)r[4], (decimal)r[5], (decimal)r[6], (long)r[7], (long)r[8], (decimal)r[9]));
        }
        var types = await QueryAsync(catalog, "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM bars)");
        Assert.Equal(["symbol", "ts", "open", "high", "low", "close", "volume", "trade_count", "vwap", "dt"], types.Select(t => (string)t[0]));
        Assert.Contains(types, t => (string)t[0] == "ts" && (string)t[1] == "TIMESTAMP WITH TIME ZONE");
        Assert.Contains(types, t => (string)t[0] == "dt" && (string)t[1] == "DATE");

        // The index keeps a row per session: its rows, time range and checksum, and the file it lives in with the file's hash.
        var sha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(month)));
        var recorded = await _partitions.ListAsync(SessionArchiver.BarsDataset, "SPY");
        Assert.Equal(Days, recorded.Select(p => p.Session));
        foreach (var (partition, day) in recorded.Zip(Days))
        {
            var session = Session(day);
            Assert.Equal(("parquet/bars/symbol=SPY/month=2024-03/part-0.parquet", session.Count, session[0].Timestamp, session[^1].Timestamp, sha, new FileInfo(month).Length),
                (partition.Path, partition.Rows, partition.First, partition.Last, partition.Sha256, partition.Bytes));
            Assert.Equal(SessionChecksum.Of(session.Select(Stored)), partition.RowsSha256);
            Assert.True(partition.InMonthFile);
        }

        // POST /archive/sql's runner reads the same view.
        var answer = await new ArchiveSql(catalog).RunAsync("SELECT dt, count(*) FROM bars GROUP BY dt ORDER BY dt", new SqlLimits(100, 1_000_000, TimeSpan.FromSeconds(30)));
        Assert.Equal(Days.Select(day => ((object)day, (object)(long)Session(day).Count)), answer.Rows.Select(r => (r[0]!, r[1]!)));
    }

    [Fact]
    public async Task A_re_archived_session_replaces_its_rows_in_the_month_file_and_keeps_the_others()
    {
        var (archiver, catalog, _) = Archive(BarPartitioning.Month);
        foreach (var day in Days) await _host.Bars.UpsertAsync(Spy, "iex", Session(day));
        await archiver.ArchiveAsync(Spy, Days);
        var before = await _partitions.ListAsync(SessionArchiver.BarsDataset, "SPY");

        var corrected = Session(Days[1], shift: 0.5m);
        await _host.Bars.UpsertAsync(Spy, "iex", corrected);
        var written = await archiver.ArchiveAsync(Spy, Days[1]);

        var rows = await QueryAsync(catalog, "SELECT dt, count(*), min(open), max(close) FROM bars GROUP BY dt ORDER BY dt");
        Assert.Equal(Days.Select(day => day == Days[1] ? Session(day, 0.5m) : Session(day)).Select(s => ((object)NewYorkTime.DateOf(s[0].Timestamp), (object)(long)s.Count, (object)s.Min(b => b.Open), (object)s.Max(b => b.Close))),
            rows.Select(r => (r[0], r[1], r[2], r[3])));
        var after = await _partitions.ListAsync(SessionArchiver.BarsDataset, "SPY");
        Assert.NotEqual(before[1].RowsSha256, after[1].RowsSha256);
        Assert.Equal(SessionChecksum.Of(corrected.Select(Stored)), after[1].RowsSha256);
        // The other sessions' rows are unchanged; every session names the new file's checksum.
        Assert.Equal((before[0].RowsSha256, before[2].RowsSha256), (after[0].RowsSha256, after[2].RowsSha256));
        Assert.All(after, p => Assert.Equal(written!.Sha256, p.Sha256));
    }

    [Fact]
    public async Task Sessions_the_hot_store_no_longer_holds_are_kept_from_the_month_file_with_later_corrections_over_them()
    {
        var (archiver, catalog, _) = Archive(BarPartitioning.Month);
        await _host.Bars.UpsertAsync(Spy, "iex", Session(Days[0]));
        await archiver.ArchiveAsync(Spy, Days[0]);
        // Retention drops the first session from PostgreSQL; then one of its minutes is corrected.
        var first = NyseCalendar.GetTradingDays(Days[0], Days[0]).Single();
        await _host.Bars.DeleteMinutesAsync(Spy, first.SessionOpenUtc, first.SessionCloseUtc);
        var fix = Session(Days[0])[10] with { Volume = 123_456 };
        await _host.Bars.UpsertAsync(Spy, "iex", [fix]);

        // Archiving the next session rewrites the month: the first comes from the file, the correction over it.
        await _host.Bars.UpsertAsync(Spy, "iex", Session(Days[1]));
        await archiver.ArchiveAsync(Spy, Days[1]);

        var expected = Session(Days[0]).Select(b => b.Timestamp == fix.Timestamp ? fix : b).Concat(Session(Days[1])).ToList();
        var rows = await QueryAsync(catalog, "SELECT ts, volume FROM bars ORDER BY ts");
        Assert.Equal(expected.Select(b => (b.Timestamp, b.Volume)), rows.Select(r => (new DateTimeOffset(DateTime.SpecifyKind((DateTime)r[0], DateTimeKind.Utc)), (long)r[1])));
        Assert.Equal([Session(Days[0]).Count, Session(Days[1]).Count], (await _partitions.ListAsync(SessionArchiver.BarsDataset, "SPY")).Select(p => p.Rows));
    }

    [Fact]
    public async Task A_crash_mid_write_leaves_no_visible_partial_month_file_and_a_failed_rewrite_keeps_the_old_one()
    {
        var (archiver, catalog, _) = Archive(BarPartitioning.Month);
        await _host.Bars.UpsertAsync(Spy, "iex", Session(Days[0]));
        var written = await archiver.ArchiveAsync(Spy, Days[0]);
        var bytes = await File.ReadAllBytesAsync(written!.Path);
        // A writer killed mid-file leaves its temporary name beside the month file: no glob matches it.
        await File.WriteAllBytesAsync(ArchiveLayout.TemporaryFor(written.Path), [(byte)'P', (byte)'A', (byte)'R', (byte)'1', 0, 0]);

        // A rewrite that fails (a price the archive cannot hold exactly) changes nothing.
        var day = NyseCalendar.GetTradingDays(Days[1], Days[1]).Single();
        await _host.Bars.UpsertAsync(Spy, "iex", [new Bar(day.OpenUtc, 1.123456789m, 2m, 1m, 1.5m, 10, 1, 1.25m)]);
        await Assert.ThrowsAsync<ArgumentException>(() => archiver.ArchiveAsync(Spy, Days[1]));

        Assert.Equal(bytes, await File.ReadAllBytesAsync(written.Path));
        Assert.Equal((long)Session(Days[0]).Count, (long)(await QueryAsync(catalog, "SELECT count(*) FROM bars"))[0][0]);
        Assert.Equal(Days[0], Assert.Single(await _partitions.ListAsync(SessionArchiver.BarsDataset, "SPY")).Session);
        var verification = await Verifier(catalog).VerifyAsync(Spy);
        Assert.Equal((1, 1, 0), (verification.Partitions, verification.Ok, verification.Problems));
    }

    [Fact]
    public async Task Verification_compares_each_session_of_a_month_file_and_finds_the_one_that_differs()
    {
        var (archiver, catalog, _) = Archive(BarPartitioning.Month);
        foreach (var day in Days) await _host.Bars.UpsertAsync(Spy, "iex", Session(day));
        await archiver.ArchiveAsync(Spy, Days);
        Assert.True((await Verifier(catalog).VerifyAsync(Spy)).Consistent);

        // A correction of the second session, not archived yet.
        var changed = Session(Days[1])[100] with { Volume = 1 };
        await _host.Bars.UpsertAsync(Spy, "iex", [changed]);

        var result = await Verifier(catalog).VerifyAsync(Spy);
        Assert.Equal(["ok", "differs", "ok"], result.Checks.Select(c => c.Status));
        Assert.Contains($"{changed.Timestamp:O}", result.Checks[1].Detail, StringComparison.Ordinal);
        Assert.Equal((3, 2, 1), (result.Partitions, result.Ok, result.Problems));
    }

    [Fact]
    public async Task Tiered_reads_of_sessions_in_a_month_file_equal_the_hot_store()
    {
        var (archiver, catalog, layout) = Archive(BarPartitioning.Month);
        foreach (var day in Days) await _host.Bars.UpsertAsync(Spy, "iex", Session(day));
        await archiver.ArchiveAsync(Spy, Days);
        var queries = new[]
        {
            new BarQuery(Spy, BarInterval.OneMinute) { Start = NewYorkTime.StartOfDay(Days[0]), End = NewYorkTime.StartOfDay(Days[^1].AddDays(1)), Limit = 5_000, Session = SessionFilter.Extended },
            new BarQuery(Spy, BarInterval.FiveMinutes) { Start = NewYorkTime.StartOfDay(Days[1]), End = NewYorkTime.StartOfDay(Days[1].AddDays(1)), Limit = 500 },
            new BarQuery(Spy, BarInterval.OneDay) { Start = NewYorkTime.StartOfDay(Days[0]), Limit = 10 },
        };
        var expected = new List<BarSlice>();
        foreach (var query in queries) expected.Add(await _host.Bars.GetBarsAsync(query));

        // Retention: every archived session leaves the hot store once the month file agrees with it.
        var options = Options.Create(new ArchiveOptions { Root = _root, Partitioning = "month", HotRetentionDays = NewYorkTime.DateOf(DateTimeOffset.UtcNow).DayNumber - Days[^1].AddDays(1).DayNumber });
        var tiers = new TieredBarReader(_host.Bars, _partitions, catalog, layout, _host.Calendar, options, TimeProvider.System);
        var retention = new HotStoreRetention(tiers, _partitions, Verifier(catalog), _host.Bars, _host.Calendar, Microsoft.Extensions.Logging.Abstractions.NullLogger<HotStoreRetention>.Instance);
        Assert.Equal(Days.Length, (await retention.ApplyAsync()).SessionsDeleted);
        Assert.Equal(0, await _host.CountBarsAsync());

        for (var i = 0; i < queries.Length; i++)
        {
            var actual = await tiers.GetBarsAsync(queries[i]);
            Assert.True(expected[i].Bars.Count > 0);
            Assert.Equal(expected[i].HasMore, actual.HasMore);
            Assert.Equal(expected[i].Bars, actual.Bars);
        }
    }

    [Fact]
    public async Task Switching_granularity_moves_sessions_between_day_and_month_files_without_duplicates()
    {
        foreach (var day in Days) await _host.Bars.UpsertAsync(Spy, "iex", Session(day));
        var (daily, _, layout) = Archive(BarPartitioning.Day);
        await daily.ArchiveAsync(Spy, Days[..2]);

        // Month mode takes the day files' sessions into the month file and deletes those files.
        var (monthly, catalog, _) = Archive(BarPartitioning.Month);
        await monthly.ArchiveAsync(Spy, Days[2]);
        Assert.Equal([layout.BarsMonthPartition("SPY", Days[0])], Directory.EnumerateFiles(layout.BarsRoot, "*.parquet", SearchOption.AllDirectories));
        Assert.All(await _partitions.ListAsync(SessionArchiver.BarsDataset, "SPY"), p => Assert.True(p.InMonthFile));
        await AssertViewCountsAsync(catalog);

        // And back: a session archived in day mode leaves the month file.
        var (back, backCatalog, _) = Archive(BarPartitioning.Day);
        await back.ArchiveAsync(Spy, Days[1]);
        Assert.True(File.Exists(layout.BarsDayPartition("SPY", Days[1])));
        Assert.Equal([true, false, true], (await _partitions.ListAsync(SessionArchiver.BarsDataset, "SPY")).Select(p => p.InMonthFile));
        await AssertViewCountsAsync(backCatalog);
        Assert.True((await Verifier(backCatalog).VerifyAsync(Spy)).Consistent);
    }

    [Fact]
    public void An_unknown_partitioning_is_refused_naming_both_granularities()
    {
        var results = new List<ValidationResult>();
        var week = new ArchiveOptions { Partitioning = "week" };
        Assert.False(Validator.TryValidateObject(week, new ValidationContext(week), results, validateAllProperties: true));
        var error = Assert.Single(results).ErrorMessage;
        Assert.Contains("'day'", error, StringComparison.Ordinal);
        Assert.Contains("'month'", error, StringComparison.Ordinal);
        var month = new ArchiveOptions { Partitioning = "month" };
        Assert.True(Validator.TryValidateObject(month, new ValidationContext(month), [], validateAllProperties: true));
        Assert.Throws<ArgumentException>(() => BarPartitioningNames.Parse("Month"));
    }

    private async Task AssertViewCountsAsync(ArchiveCatalog catalog)
    {
        var rows = await QueryAsync(catalog, "SELECT dt, count(*) FROM bars GROUP BY dt ORDER BY dt");
        Assert.Equal(Days.Select(day => ((object)day, (object)(long)Session(day).Count)), rows.Select(r => (r[0], r[1])));
    }

    private ArchiveVerifier Verifier(ArchiveCatalog catalog) =>
        new(_partitions, catalog, new ArchiveLayout(_root), _host.Bars, _host.Services.GetRequiredService<TickFingerprints>(), _host.Calendar);

    private static async Task<List<object[]>> QueryAsync(ArchiveCatalog catalog, string sql)
    {
        await using var connection = await catalog.OpenSandboxedAsync();
        return await DuckRows.ReadAsync(connection, sql);
    }
}
