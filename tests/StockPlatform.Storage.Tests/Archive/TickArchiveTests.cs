using System.Collections;
using System.Security.Cryptography;
using DuckDB.NET.Data;
using Microsoft.Extensions.DependencyInjection;
using StockPlatform.Archive;
using StockPlatform.Archive.Catalog;
using StockPlatform.Archive.Partitions;
using StockPlatform.Archive.Query;
using StockPlatform.Archive.Verification;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Infrastructure;
using StockPlatform.Storage.Schema;
using StockPlatform.Storage.Tests.Support;
using StockPlatform.Storage.Ticks;

namespace StockPlatform.Storage.Tests.Archive;

/// <summary>Days of trades and quotes archived to Parquet and read back through DuckDB's views, on whichever storage path the run takes.</summary>
public sealed class TickArchiveTests : IAsyncLifetime
{
    private static readonly Symbol Spy = Symbol.Parse("SPY");
    private static readonly DateOnly Day = new(2024, 3, 5);
    private static readonly string[] Exchanges = ["V", "Q", "P", "N", "K", "Z", "D"];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "sp-tick-archive-" + Guid.NewGuid().ToString("N"));
    private StorageHost _host = null!;
    private ArchiveLayout _layout = null!;
    private ArchivePartitionStore _partitions = null!;
    private ArchiveCatalog _catalog = null!;
    private TickArchiver _archiver = null!;

    public async Task InitializeAsync()
    {
        _host = await StorageHost.CreateAsync();
        await _host.Calendar.SaveRangeAsync(new(2024, 3, 1), new(2024, 3, 31), [.. NyseCalendar.GetTradingDays(new(2024, 3, 1), new(2024, 3, 31))]);
        _layout = new ArchiveLayout(_root);
        _partitions = new ArchivePartitionStore(_host.DataSource, _host.Schema, _host.Services.GetRequiredService<DbRetry>());
        _catalog = new ArchiveCatalog(_layout);
        _archiver = new TickArchiver(Trades, Quotes, _host.Calendar, _partitions, _catalog, _layout, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private TradeStore Trades => _host.Services.GetRequiredService<TradeStore>();

    private QuoteStore Quotes => _host.Services.GetRequiredService<QuoteStore>();

    // A New York day of trades from 04:00 to past 20:00 (a late print is still that day's), with
    // nanosecond stamps, shared microseconds, sub-penny prices and every shape of conditions: none,
    // one, several, and a code that is a space.
    private static List<Trade> MakeTrades(DateOnly day, int count, long firstId = 52_983_525_029_461)
    {
        var open = NewYorkTime.StartOfDay(day).AddHours(4);
        var step = (long)TimeSpan.FromHours(16.5).TotalNanoseconds / count;
        return [.. Enumerable.Range(0, count).Select(i => new Trade(
            NanoTime.From(open, (i * step) + (i % 1000)), firstId + i, Exchanges[i % Exchanges.Length],
            187.15m + (i % 23 * 0.01m) + (i % 10 == 0 ? 0.0025m : 0m), i % 9 == 0 ? 1 : 100 * (1 + (i % 4)),
            (i % 5) switch { 0 => [], 1 => ["@"], 2 => ["@", "F", "I"], 3 => [" "], _ => ["@", "T"] }, i % 3 == 0 ? "B" : "C"))];
    }

    // Quotes of one day, every fourth sharing its nanosecond with the one before (seq 1).
    private static List<Quote> MakeQuotes(DateOnly day, int count)
    {
        var open = NewYorkTime.StartOfDay(day).AddHours(9.5);
        var quotes = new List<Quote>(count);
        var time = NanoTime.From(open);
        for (var i = 0; i < count; i++)
        {
            if (i % 4 != 3) time = new NanoTime(time.UnixNanoseconds + 2_345_679 + i % 997);
            quotes.Add(new Quote(time, Exchanges[i % Exchanges.Length], 187.14m + (i % 7 * 0.01m), 1 + (i % 9), Exchanges[(i + 3) % Exchanges.Length],
                187.16m + (i % 5 * 0.01m), 2 + (i % 4), i % 11 == 0 ? [] : ["R"], "C"));
        }
        return quotes;
    }

    [Fact]
    public async Task A_day_of_trades_and_quotes_reads_back_through_the_duckdb_views_exactly_with_nanoseconds()
    {
        // More than one page of the store's reads, and the neighbouring days' edges that must stay out.
        var trades = MakeTrades(Day, TickArchiver.PageRows + 1_234);
        var before = new Trade(NanoTime.From(NewYorkTime.StartOfDay(Day), -1), 1, "V", 180m, 5, ["@"], "C");
        var after = new Trade(NanoTime.From(NewYorkTime.StartOfDay(Day.AddDays(1)), 500), 2, "V", 190m, 5, ["@"], "C");
        await InsertTradesAsync([before, .. trades, after]);
        var quotes = MakeQuotes(Day, 5_000);
        await Quotes.InsertAsync(Spy, "sip", quotes);

        var writtenTrades = await _archiver.ArchiveTradesAsync(Spy, Day);
        var writtenQuotes = await _archiver.ArchiveAsync(SessionArchiver.QuotesDataset, Spy, Day);

        Assert.Equal(Path.Combine(_root, "parquet", "trades", "symbol=SPY", "dt=2024-03-05", "part-0.parquet"), writtenTrades!.Path);
        Assert.Equal(Path.Combine(_root, "parquet", "quotes", "symbol=SPY", "dt=2024-03-05", "part-0.parquet"), writtenQuotes!.Path);
        var storedTrades = await ReadAllTradesAsync();
        Assert.Equal(trades, storedTrades);
        Assert.Equal(storedTrades, await ReadArchivedTradesAsync("SELECT ts, ts_ns, exchange, trade_id, price, size, conditions, tape FROM trades ORDER BY ts, ts_ns, exchange, trade_id"));
        var storedQuotes = await Quotes.ReadAsync(Spy, NewYorkTime.StartOfDay(Day), NewYorkTime.StartOfDay(Day.AddDays(1)), 10_000);
        Assert.Equal(quotes, storedQuotes.Select(q => q.Quote));
        Assert.Equal(storedQuotes, await ReadArchivedQuotesAsync());

        // Every nanosecond digit survives, as text too.
        var text = await ReadArchiveAsync("SELECT strftime(ts, '%Y-%m-%dT%H:%M:%S.%f') || lpad(CAST(ts_ns AS VARCHAR), 3, '0') || 'Z' FROM trades ORDER BY ts, ts_ns, exchange, trade_id LIMIT 3");
        Assert.Equal(storedTrades.Take(3).Select(t => t.Time.ToString()), text.Select(r => (string)r[0]));

        // The types other readers see, and the Hive columns.
        var types = (await ReadArchiveAsync("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM trades)")).ToDictionary(r => (string)r[0], r => (string)r[1]);
        Assert.Equal(("TIMESTAMP WITH TIME ZONE", "SMALLINT", "DECIMAL(18,8)", "VARCHAR[]", "BIGINT", "DATE"),
            (types["ts"], types["ts_ns"], types["price"], types["conditions"], types["trade_id"], types["dt"]));
        var quoteTypes = (await ReadArchiveAsync("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM quotes)")).ToDictionary(r => (string)r[0], r => (string)r[1]);
        Assert.Equal(("SMALLINT", "DECIMAL(18,8)", "DECIMAL(18,8)", "VARCHAR[]"), (quoteTypes["seq"], quoteTypes["bid_price"], quoteTypes["ask_price"], quoteTypes["conditions"]));
        var group = Assert.Single(await ReadArchiveAsync("SELECT symbol, dt, count(*) FROM trades GROUP BY ALL"));
        Assert.Equal(("SPY", (long)trades.Count), ((string)group[0], (long)group[2]));
        Assert.Equal(Day, group[1]);

        // The index records what each file holds, and its hash.
        var recorded = Assert.Single(await _partitions.ListAsync(SessionArchiver.TradesDataset, "SPY"));
        Assert.Equal((Day, trades.Count, trades[0].Time.Microsecond, trades[^1].Time.Microsecond, "parquet/trades/symbol=SPY/dt=2024-03-05/part-0.parquet"),
            (recorded.Session, recorded.Rows, recorded.First, recorded.Last, recorded.Path));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(writtenTrades.Path))), recorded.Sha256);
        Assert.Equal(new FileInfo(writtenTrades.Path).Length, recorded.Bytes);
        Assert.Equal(quotes.Count, Assert.Single(await _partitions.ListAsync(SessionArchiver.QuotesDataset, "SPY")).Rows);
    }

    [Fact]
    public async Task A_rewritten_partition_replaces_the_old_one_and_a_half_written_file_is_never_read()
    {
        var trades = MakeTrades(Day, 3_000);
        await InsertTradesAsync(trades[..2_000]);
        var first = await _archiver.ArchiveTradesAsync(Spy, Day);
        // A writer killed mid-file leaves its temporary name behind: readers' globs never match it.
        await File.WriteAllBytesAsync(ArchiveLayout.TemporaryFor(first!.Path), [1, 2, 3, 4]);

        // The rest of the day arrives later; the day is archived again.
        await InsertTradesAsync(trades[2_000..]);
        var second = await _archiver.ArchiveTradesAsync(Spy, Day);

        Assert.Equal((first.Path, 2_000, 3_000), (second!.Path, first.Rows, second.Rows));
        Assert.NotEqual(first.Sha256, second.Sha256);
        Assert.Equal(trades, await ReadArchivedTradesAsync("SELECT ts, ts_ns, exchange, trade_id, price, size, conditions, tape FROM trades ORDER BY ts, ts_ns, exchange, trade_id"));
        var recorded = Assert.Single(await _partitions.ListAsync(SessionArchiver.TradesDataset));
        Assert.Equal((second.Sha256, 3_000), (recorded.Sha256, recorded.Rows));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(second.Path)!, "*.parquet"));
    }

    [Fact]
    public async Task Only_completed_trading_days_with_rows_are_archived_and_no_price_is_rounded()
    {
        Assert.Null(await _archiver.ArchiveTradesAsync(Spy, new DateOnly(2024, 3, 9))); // a Saturday
        Assert.Null(await _archiver.ArchiveQuotesAsync(Spy, Day)); // nothing stored
        Assert.False(Directory.Exists(_layout.QuotesRoot));
        Assert.Empty(await _partitions.ListAsync(SessionArchiver.QuotesDataset));

        var tomorrow = NewYorkTime.DateOf(DateTimeOffset.UtcNow).AddDays(1);
        while (!NyseCalendar.GetTradingDays(tomorrow, tomorrow).Any()) tomorrow = tomorrow.AddDays(1);
        await _host.Calendar.SaveRangeAsync(tomorrow, tomorrow, [.. NyseCalendar.GetTradingDays(tomorrow, tomorrow)]);
        await Assert.ThrowsAsync<InvalidOperationException>(() => _archiver.ArchiveTradesAsync(Spy, tomorrow));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _archiver.ArchiveAsync("bars", Spy, Day));

        await InsertTradesAsync([new Trade(NanoTime.From(NewYorkTime.StartOfDay(Day).AddHours(10)), 1, "V", 187.123456789m, 100, ["@"], "C")]);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _archiver.ArchiveTradesAsync(Spy, Day));
        Assert.Contains("DECIMAL(18, 8)", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_layout.TradesPartition("SPY", Day)));
        Assert.Empty(Directory.GetFiles(_layout.TradesRoot, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Verification_compares_trades_and_quotes_partitions_with_the_hot_store_and_names_what_differs()
    {
        await InsertTradesAsync(MakeTrades(Day, 2_000));
        await Quotes.InsertAsync(Spy, "sip", MakeQuotes(Day, 1_000));
        var nextDay = Day.AddDays(1);
        await InsertTradesAsync(MakeTrades(nextDay, 500, firstId: 9_000_000));
        foreach (var day in new[] { Day, nextDay }) await _archiver.ArchiveTradesAsync(Spy, day);
        await _archiver.ArchiveQuotesAsync(Spy, Day);
        var verifier = new ArchiveVerifier(_partitions, _catalog, _layout, _host.Bars, _host.Services.GetRequiredService<TickFingerprints>(), _host.Calendar);

        var clean = await verifier.VerifyAsync(Spy);
        Assert.True(clean.Consistent);
        Assert.Equal([("trades", Day, "ok", 2_000), ("trades", nextDay, "ok", 500), ("quotes", Day, "ok", 1_000)],
            clean.Checks.Select(c => (c.Dataset, c.Session, c.Status, c.HotRows)));

        // A price corrected in the hot store, a trade added to it, a quotes file deleted.
        await _host.ExecuteAsync("UPDATE trades SET price = price + 0.01 WHERE trade_id = 52983525029461 + 700");
        await InsertTradesAsync([new Trade(NanoTime.From(NewYorkTime.StartOfDay(nextDay).AddHours(12), 7), 1, "V", 190m, 1, [], "C")]);
        File.Delete(_layout.QuotesPartition("SPY", Day));

        var damaged = await verifier.VerifyAsync(Spy);
        Assert.Equal(["differs", "differs", "file-missing"], damaged.Checks.Select(c => c.Status));
        Assert.StartsWith("sum of prices:", damaged.Checks[0].Detail, StringComparison.Ordinal);
        Assert.StartsWith("rows: archive 500, hot store 501", damaged.Checks[1].Detail, StringComparison.Ordinal);
        Assert.Equal(3, damaged.Problems);
        Assert.Equal(["quotes"], (await verifier.VerifyAsync(Spy, [SessionArchiver.QuotesDataset])).Checks.Select(c => c.Dataset));

        // Archiving the days again makes them agree.
        foreach (var day in new[] { Day, nextDay }) await _archiver.ArchiveTradesAsync(Spy, day);
        await _archiver.ArchiveQuotesAsync(Spy, Day);
        Assert.True((await verifier.VerifyAsync(Spy)).Consistent);
    }

    [TimescaleFact]
    public async Task On_TimescaleDB_a_day_in_compressed_chunks_archives_the_same_rows()
    {
        Assert.Equal(StoragePath.Timescale, (await _host.Schema.GetInfoAsync()).Path);
        var trades = MakeTrades(Day, 4_000);
        await InsertTradesAsync(trades);
        await Quotes.InsertAsync(Spy, "sip", MakeQuotes(Day, 2_000));
        await _host.CompressAllChunksAsync("trades");
        await _host.CompressAllChunksAsync("quotes");

        await _archiver.ArchiveTradesAsync(Spy, Day);
        await _archiver.ArchiveQuotesAsync(Spy, Day);

        Assert.Equal(trades, await ReadArchivedTradesAsync("SELECT ts, ts_ns, exchange, trade_id, price, size, conditions, tape FROM trades ORDER BY ts, ts_ns, exchange, trade_id"));
        Assert.Equal(await Quotes.ReadAsync(Spy, NewYorkTime.StartOfDay(Day), NewYorkTime.StartOfDay(Day.AddDays(1)), 10_000), await ReadArchivedQuotesAsync());
    }

    [Fact]
    public async Task A_partition_larger_than_a_row_group_keeps_every_row_in_order()
    {
        // No database: the writer alone, fed in pages as the archiver feeds it.
        var trades = MakeTrades(Day, TickParquetRowGroup + 10_001);
        var path = _layout.TradesPartition("SPY", Day);
        var written = await TradeParquetWriter.WriteAsync(path, "SPY", Pages(trades, 7_777));

        Assert.Equal((trades.Count, trades[0].Time.Microsecond, trades[^1].Time.Microsecond), (written.Rows, written.First, written.Last));
        await using var duck = new DuckDBConnection("Data Source=:memory:");
        await duck.OpenAsync();
        Assert.Equal(2L, await ScalarAsync(duck, $"SELECT count(DISTINCT row_group_id) FROM parquet_metadata('{path}')"));
        Assert.Equal(trades, await ReadTradesAsync(duck, $"SELECT ts, ts_ns, exchange, trade_id, price, size, conditions, tape FROM read_parquet('{path}')"));
    }

    // The writer's row group size (TickParquet is internal to the archive).
    private const int TickParquetRowGroup = 250_000;

    private static async IAsyncEnumerable<IReadOnlyList<Trade>> Pages(List<Trade> rows, int size)
    {
        for (var i = 0; i < rows.Count; i += size)
        {
            await Task.Yield();
            yield return rows.GetRange(i, Math.Min(size, rows.Count - i));
        }
    }

    private async Task InsertTradesAsync(IReadOnlyList<Trade> trades)
    {
        for (var i = 0; i < trades.Count; i += 10_000)
            await Trades.InsertAsync(Spy, "sip", trades.Skip(i).Take(10_000).ToList());
    }

    private async Task<List<Trade>> ReadAllTradesAsync()
    {
        var (start, end) = TickArchiver.DayOf(Day);
        var all = new List<Trade>();
        Trade? after = null;
        while ((await Trades.ReadAsync(Spy, start, end, 10_000, after)) is { Count: > 0 } page)
        {
            all.AddRange(page);
            after = page[^1];
        }
        return all;
    }

    private async Task<List<Trade>> ReadArchivedTradesAsync(string sql)
    {
        await using var connection = await _catalog.OpenSandboxedAsync();
        return await ReadTradesAsync(connection, sql);
    }

    private static async Task<List<Trade>> ReadTradesAsync(DuckDBConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var trades = new List<Trade>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            trades.Add(new Trade(Time(reader.GetDateTime(0), reader.GetInt16(1)), reader.GetInt64(3), reader.GetString(2), reader.GetDecimal(4),
                reader.GetInt64(5), Strings(reader.GetValue(6)), reader.GetString(7)));
        }
        return trades;
    }

    private async Task<List<StoredQuote>> ReadArchivedQuotesAsync()
    {
        await using var connection = await _catalog.OpenSandboxedAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT ts, ts_ns, seq, bid_exchange, bid_price, bid_size, ask_exchange, ask_price, ask_size, conditions, tape FROM quotes ORDER BY ts, ts_ns, seq";
        var quotes = new List<StoredQuote>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            quotes.Add(new StoredQuote(new Quote(Time(reader.GetDateTime(0), reader.GetInt16(1)), reader.GetString(3), reader.GetDecimal(4), reader.GetInt64(5),
                reader.GetString(6), reader.GetDecimal(7), reader.GetInt64(8), Strings(reader.GetValue(9)), reader.GetString(10)), reader.GetInt16(2)));
        }
        return quotes;
    }

    private static NanoTime Time(DateTime microsecond, short nanoseconds) =>
        NanoTime.FromParts(new DateTimeOffset(DateTime.SpecifyKind(microsecond, DateTimeKind.Utc)), nanoseconds);

    private static string[] Strings(object list) => [.. ((IEnumerable)list).Cast<string>()];

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
