using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DuckDB.NET.Data;
using StockPlatform.Archive;
using StockPlatform.Archive.Catalog;
using StockPlatform.Archive.Partitions;
using StockPlatform.Archive.Query;
using StockPlatform.Bench.Support;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Schema;

namespace StockPlatform.Bench.Archive;

/// <summary>
/// A year of extended-session minutes for 10 symbols stored, then archived session by session
/// (one Parquet file per symbol and day): the archive's bytes per million bars against the same
/// rows as CSV and against the PostgreSQL table with its indexes; and the sum of volume by symbol
/// and day over all of it, DuckDB over the archive against the same query on PostgreSQL, in the
/// same run (medians of several runs after a warm-up). Goals: the archive at least 20x smaller
/// than CSV; DuckDB at least 5x faster.
/// </summary>
internal static class ArchiveBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Arguments(args);
        var symbols = Enumerable.Range(0, options.Int("symbols", 10)).Select(i => Symbol.Parse($"S{i:D2}")).ToList();
        var days = options.Int("days", 252);
        var runs = options.Int("runs", 5);
        var first = new DateOnly(2024, 1, 2);
        var results = new List<object>();
        var ok = true;
        foreach (var path in await BenchDatabase.PathsAsync(options))
        {
            var name = BenchDatabase.Name(path);
            await using var db = await BenchDatabase.CreateAsync(options, path: path);
            var root = Path.Combine(Path.GetTempPath(), "sp-archive-bench-" + Guid.NewGuid().ToString("N"));
            try
            {
                var bars = MinuteBars.Generate(symbols, symbols.Count * days * 960, first);
                for (var offset = 0; offset < bars.Length; offset += 50_000)
                    await db.Bars.UpsertAsync(new ArraySegment<SymbolBar>(bars, offset, Math.Min(50_000, bars.Length - offset)), "iex");
                await db.Refresher.RefreshAsync(force: true);
                await db.ExecuteAsync("VACUUM ANALYZE bars_1m");
                var sessions = bars.Select(b => NewYorkTime.DateOf(b.Bar.Timestamp)).Distinct().Order().ToList();
                await db.Calendar.SaveRangeAsync(sessions[0], sessions[^1], [.. NyseCalendar.GetTradingDays(sessions[0], sessions[^1])]);
                Console.WriteLine($"[{name}] {bars.Length:N0} minutes stored: {symbols.Count} symbols x {sessions.Count} sessions");

                // Archive every session (progress on the console).
                var layout = new ArchiveLayout(root);
                var catalog = new ArchiveCatalog(layout);
                var archiver = new SessionArchiver(db.Bars, db.Features, db.Calendar, new ArchivePartitionStore(db.DataSource, db.Schema, db.Retry), catalog, layout,
                    TimeProvider.System);
                var watch = Stopwatch.StartNew();
                long parquetBytes = 0;
                var files = 0;
                foreach (var symbol in symbols)
                {
                    foreach (var session in sessions)
                    {
                        var written = await archiver.ArchiveAsync(symbol, session);
                        parquetBytes += written!.Bytes;
                        files++;
                    }
                    Console.WriteLine($"[{name}] archived {symbol}: {files:N0} partitions, {watch.Elapsed.TotalSeconds:0.0} s");
                }
                var archiveSeconds = watch.Elapsed.TotalSeconds;

                // The same rows as CSV (the gateway's CSV columns), counted, not kept.
                long csvBytes = 0;
                foreach (var b in bars)
                {
                    csvBytes += Encoding.UTF8.GetByteCount(string.Create(CultureInfo.InvariantCulture,
                        $"{b.Symbol.Value},{b.Bar.Timestamp.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'},{b.Bar.Open},{b.Bar.High},{b.Bar.Low},{b.Bar.Close},{b.Bar.Volume},{b.Bar.TradeCount},{b.Bar.Vwap}\n"));
                }
                var tableBytes = await db.ScalarAsync<long>(path == StoragePath.Timescale
                    ? "SELECT hypertable_size('bars_1m')" : "SELECT pg_total_relation_size('bars_1m')");
                var perMillion = 1_000_000.0 / bars.Length;

                // Sum of volume by symbol and New York day: PostgreSQL over bars_1m, DuckDB over the archive.
                const string PostgresSql = """
                    SELECT symbol, (ts AT TIME ZONE 'America/New_York')::date AS day, sum(volume) FROM bars_1m GROUP BY 1, 2
                    """;
                const string DuckDbSql = "SELECT symbol, dt, sum(volume) FROM bars GROUP BY 1, 2";
                var postgres = await TimeAsync(runs, async () => await db.CountRowsAsync(PostgresSql));
                await using var duck = await catalog.OpenSandboxedAsync();
                var duckdb = await TimeAsync(runs, async () =>
                {
                    await using var command = duck.CreateCommand();
                    command.CommandText = DuckDbSql;
                    var count = 0;
                    await using var reader = await command.ExecuteReaderAsync();
                    while (await reader.ReadAsync()) count++;
                    return count;
                });
                if (postgres.Rows != duckdb.Rows || duckdb.Rows != symbols.Count * sessions.Count)
                {
                    Console.Error.WriteLine($"[{name}] the queries disagree: PostgreSQL {postgres.Rows} groups, DuckDB {duckdb.Rows}, expected {symbols.Count * sessions.Count}");
                    return 1;
                }

                var smaller = csvBytes / (double)parquetBytes;
                var faster = postgres.Median / duckdb.Median;
                Console.WriteLine($"[{name}] archive: {files:N0} files, {parquetBytes * perMillion / 1e6:0.00} MB per million bars (written in {archiveSeconds:0.0} s); " +
                    $"CSV {csvBytes * perMillion / 1e6:0.00} MB ({smaller:0.0}x larger); PostgreSQL table with indexes {tableBytes * perMillion / 1e6:0.00} MB ({tableBytes / (double)parquetBytes:0.0}x larger)");
                Console.WriteLine($"[{name}] volume by symbol and day ({duckdb.Rows:N0} groups): PostgreSQL p50 {postgres.Median:0} ms, DuckDB over {files:N0} files p50 {duckdb.Median:0} ms ({faster:0.00}x faster)");
                ok &= smaller >= 20 && faster >= 5;
                results.Add(new
                {
                    path = name, bars = bars.Length, files, parquet_bytes = parquetBytes, csv_bytes = csvBytes, table_bytes = tableBytes,
                    parquet_mb_per_million = Math.Round(parquetBytes * perMillion / 1e6, 2), csv_ratio = Math.Round(smaller, 1),
                    table_ratio = Math.Round(tableBytes / (double)parquetBytes, 1), archive_seconds = Math.Round(archiveSeconds, 1),
                    postgres_p50_ms = Math.Round(postgres.Median, 1), duckdb_p50_ms = Math.Round(duckdb.Median, 1), duckdb_speedup = Math.Round(faster, 2),
                });
            }
            finally
            {
                if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
            }
        }
        Console.WriteLine("goals: the archive >= 20x smaller than CSV; DuckDB >= 5x faster than PostgreSQL");
        Console.WriteLine(JsonSerializer.Serialize(new { benchmark = "archive", results }));
        return ok ? 0 : 1;
    }

    private static async Task<(double Median, int Rows)> TimeAsync(int runs, Func<Task<int>> query)
    {
        var rows = await query(); // warm-up
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            rows = await query();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return (times.Order().ElementAt(times.Count / 2), rows);
    }
}
