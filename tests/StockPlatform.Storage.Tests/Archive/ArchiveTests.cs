using System.Security.Cryptography;
using DuckDB.NET.Data;
using Microsoft.Extensions.DependencyInjection;
using StockPlatform.Archive;
using StockPlatform.Archive.Catalog;
using StockPlatform.Archive.Partitions;
using StockPlatform.Archive.Query;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Features;
using StockPlatform.Storage.Infrastructure;
using StockPlatform.Storage.Tests.Support;

namespace StockPlatform.Storage.Tests.Archive;

/// <summary>Sessions of bars_1m archived to Parquet and read back through DuckDB.</summary>
public sealed class ArchiveTests : IAsyncLifetime
{
    private static readonly Symbol Spy = Symbol.Parse("SPY");
    private static readonly DateOnly Day = new(2024, 3, 5);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "sp-archive-" + Guid.NewGuid().ToString("N"));
    private StorageHost _host = null!;
    private ArchiveLayout _layout = null!;
    private ArchivePartitionStore _partitions = null!;
    private SessionArchiver _archiver = null!;
    private ArchiveCatalog _catalog = null!;

    public async Task InitializeAsync()
    {
        _host = await StorageHost.CreateAsync();
        await _host.Calendar.SaveRangeAsync(new(2024, 3, 1), new(2024, 3, 31), [.. NyseCalendar.GetTradingDays(new(2024, 3, 1), new(2024, 3, 31))]);
        _layout = new ArchiveLayout(_root);
        _partitions = new ArchivePartitionStore(_host.DataSource, _host.Schema, _host.Services.GetRequiredService<DbRetry>());
        _catalog = new ArchiveCatalog(_layout);
        _archiver = new SessionArchiver(_host.Bars, _host.Services.GetRequiredService<FeatureStore>(), _host.Calendar, _partitions, _catalog, _layout, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    // Pre-market, regular and after-hours minutes with prices of up to eight decimals.
    private static List<Bar> Session(DateOnly date, decimal shift = 0m)
    {
        var day = NyseCalendar.GetTradingDays(date, date).Single();
        return [.. Enumerable.Range(0, 960).Where(i => i % 7 != 3) // minutes without trades have no bar
            .Select(i => day.SessionOpenUtc.AddMinutes(i))
            .Select((t, i) => new Bar(t, 500.1234m + i * 0.01m + shift, 501.5m + i * 0.01m + shift, 499.25m + i * 0.01m + shift, 500.87654321m + i * 0.01m + shift,
                1_000 + i, 10 + i % 5, 500.12345678m + i * 0.01m + shift))];
    }

    [Fact]
    public async Task A_session_archived_to_parquet_reads_back_through_duckdb_exactly_with_utc_timestamps()
    {
        var stored = Session(Day);
        await _host.Bars.UpsertAsync(Spy, "iex", stored);

        var written = await _archiver.ArchiveAsync(Spy, Day);

        Assert.NotNull(written);
        Assert.Equal(Path.Combine(_root, "parquet", "bars", "symbol=SPY", "dt=2024-03-05", "part-0.parquet"), written.Path);
        Assert.Equal(stored.Count, written.Rows);
        var rows = await ReadArchiveAsync("SELECT symbol, dt, ts, open, high, low, close, volume, trade_count, vwap FROM bars ORDER BY ts");
        Assert.Equal(stored.Count, rows.Count);
        for (var i = 0; i < stored.Count; i++)
        {
            var (s, r) = (stored[i], rows[i]);
            Assert.Equal("SPY", r[0]);
            Assert.Equal(Day, r[1]);
            Assert.Equal(s.Timestamp, new DateTimeOffset(DateTime.SpecifyKind((DateTime)r[2], DateTimeKind.Utc)));
            Assert.Equal((s.Open, s.High, s.Low, s.Close, s.Volume, s.TradeCount, s.Vwap),
                ((decimal)r[3], (decimal)r[4], (decimal)r[5], (decimal)r[6], (long)r[7], (long)r[8], (decimal)r[9]));
        }

        // The column types other readers see: UTC timestamps, exact decimals.
        var types = await ReadArchiveAsync("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM bars)");
        Assert.Contains(types, t => (string)t[0] == "ts" && (string)t[1] == "TIMESTAMP WITH TIME ZONE");
        Assert.Contains(types, t => (string)t[0] == "vwap" && (string)t[1] == "DECIMAL(18,8)");

        // The index records what the file holds, and its hash.
        var recorded = Assert.Single(await _partitions.ListAsync(SessionArchiver.BarsDataset, "SPY"));
        Assert.Equal((Day, stored.Count, stored[0].Timestamp, stored[^1].Timestamp), (recorded.Session, recorded.Rows, recorded.First, recorded.Last));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(written.Path))), recorded.Sha256);
        Assert.Equal(new FileInfo(written.Path).Length, recorded.Bytes);
    }

    [Fact]
    public async Task A_rewritten_partition_replaces_the_old_one_and_a_half_written_file_is_never_read()
    {
        await _host.Bars.UpsertAsync(Spy, "iex", Session(Day));
        var first = await _archiver.ArchiveAsync(Spy, Day);
        // A writer killed mid-file leaves its temporary name behind: readers' globs never match it.
        await File.WriteAllBytesAsync(ArchiveLayout.TemporaryFor(first!.Path), [1, 2, 3, 4]);

        // Corrections arrive; the session is archived again.
        var corrected = Session(Day, shift: 0.5m);
        await _host.Bars.UpsertAsync(Spy, "iex", corrected);
        var second = await _archiver.ArchiveAsync(Spy, Day);

        Assert.Equal(first.Path, second!.Path);
        Assert.NotEqual(first.Sha256, second.Sha256);
        var rows = await ReadArchiveAsync("SELECT count(*), min(open), max(close) FROM bars");
        Assert.Equal(((long)corrected.Count, corrected.Min(b => b.Open), corrected.Max(b => b.Close)), ((long)rows[0][0], (decimal)rows[0][1], (decimal)rows[0][2]));
        Assert.Equal(second.Sha256, Assert.Single(await _partitions.ListAsync(SessionArchiver.BarsDataset)).Sha256);
    }

    [Fact]
    public async Task Only_completed_trading_sessions_are_archived_and_no_price_is_rounded()
    {
        Assert.Null(await _archiver.ArchiveAsync(Spy, new DateOnly(2024, 3, 9))); // a Saturday

        var tomorrow = NewYorkTime.DateOf(DateTimeOffset.UtcNow).AddDays(1);
        while (!NyseCalendar.GetTradingDays(tomorrow, tomorrow).Any()) tomorrow = tomorrow.AddDays(1);
        await _host.Calendar.SaveRangeAsync(tomorrow, tomorrow, [.. NyseCalendar.GetTradingDays(tomorrow, tomorrow)]);
        await Assert.ThrowsAsync<InvalidOperationException>(() => _archiver.ArchiveAsync(Spy, tomorrow));

        var day = NyseCalendar.GetTradingDays(Day, Day).Single();
        await _host.Bars.UpsertAsync(Spy, "iex", [new Bar(day.OpenUtc, 1.123456789m, 2m, 1m, 1.5m, 10, 1, 1.25m)]);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _archiver.ArchiveAsync(Spy, Day));
        Assert.Contains("DECIMAL(18, 8)", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_layout.BarsPartition("SPY", Day)));
    }

    [Fact]
    public async Task The_sandboxed_connection_reads_the_archive_and_nothing_else()
    {
        await _host.Bars.UpsertAsync(Spy, "iex", Session(Day));
        await _archiver.ArchiveAsync(Spy, Day);

        await using var connection = await _catalog.OpenSandboxedAsync();
        Assert.Equal(Session(Day).Count, Convert.ToInt32(await ScalarAsync(connection, "SELECT count(*) FROM bars")));
        foreach (var (sql, expected) in new[]
        {
            ("SELECT * FROM read_csv('/etc/passwd')", "Permission Error"),
            ("SET enable_external_access = true", "the configuration has been locked"),
            ("CREATE TABLE t AS SELECT 1", "read-only"),
            ("ATTACH '/tmp/other.duckdb' AS other", "Permission Error"),
        })
        {
            var error = await Assert.ThrowsAnyAsync<DuckDBException>(() => ScalarAsync(connection, sql));
            Assert.Contains(expected, error.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    private async Task<List<object[]>> ReadArchiveAsync(string sql)
    {
        await using var connection = await _catalog.OpenSandboxedAsync();
        return await DuckRows.ReadAsync(connection, sql);
    }

    private static async Task<object?> ScalarAsync(DuckDBConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
