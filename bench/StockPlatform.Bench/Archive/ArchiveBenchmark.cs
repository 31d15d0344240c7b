using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.IO.Compression;
using DuckDB.NET.Data;
using Parquet;
using Parquet.Schema;
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
/// The same sessions are also archived by the platform in month files (<c>Archive:Partitioning = month</c>,
/// <c>symbol=S00/month=2024-01/part-0.parquet</c> with a <c>dt</c> column), queried through their
/// <c>bars</c> view like the day files, with the cost of archiving one more session in each. The same
/// rows are also written as simulated month partitions (without the dt column, without the redundant
/// symbol column, with DOUBLE prices) and as one file per symbol, and the same grouping (the New York day taken from <c>ts</c>) is timed over
/// each, with the day partitions too, against the same PostgreSQL median; <c>count(*)</c> over each
/// layout (Parquet footers only) shows what opening the files costs.
/// The day partitions are also queried with the New York day from the path (<c>dt</c>), with and
/// without DuckDB's Parquet footer cache. The entropy peer of the size goal is the same CSV as one zstd stream at a high level (19 unless
/// <c>--zstd-level</c>): no lossless columnar file of these rows is expected to beat it by much.
/// The JSON line carries a <c>figures</c> array (bench-doc's convention: value, baseline, ratio =
/// value / baseline, goal, met).
/// </summary>
internal static class ArchiveBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Arguments(args);
        var symbols = Enumerable.Range(0, options.Int("symbols", 10)).Select(i => Symbol.Parse($"S{i:D2}")).ToList();
        var days = options.Int("days", 252);
        var runs = options.Int("runs", 5);
        var zstdLevel = options.Int("zstd-level", 19);
        var first = new DateOnly(2024, 1, 2);
        var results = new List<object>();
        var figures = new List<BenchFigure>();
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

                // The same rows as CSV (the gateway's CSV columns), counted, not kept; and as one zstd stream (the entropy peer).
                long csvBytes = 0;
                var zstdWatch = Stopwatch.StartNew();
                var zstdBytes = new CountingStream();
                await using (var zstd = new ZstdSharp.CompressionStream(zstdBytes, zstdLevel))
                {
                    foreach (var b in bars)
                    {
                        var line = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                            $"{b.Symbol.Value},{b.Bar.Timestamp.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'},{b.Bar.Open},{b.Bar.High},{b.Bar.Low},{b.Bar.Close},{b.Bar.Volume},{b.Bar.TradeCount},{b.Bar.Vwap}\n"));
                        csvBytes += line.Length;
                        zstd.Write(line);
                    }
                }
                Console.WriteLine($"[{name}] CSV {csvBytes / 1e6:0.0} MB, as zstd level {zstdLevel} {zstdBytes.Length / 1e6:0.0} MB ({csvBytes / (double)zstdBytes.Length:0.0}x smaller, {zstdWatch.Elapsed.TotalSeconds:0} s)");
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

                // The nightly cost: one more session of a symbol archived (its day file here, its month file rewritten whole below):
                // the last session of the last whole month, so the month file holds a full month (the run's final month may hold one session).
                var lastSymbol = symbols[^1];
                var lastSession = sessions.Last(session => (session.Year, session.Month) != (sessions[^1].Year, sessions[^1].Month) || session == sessions[0]);
                var dayAppend = await TimeAsync(runs, async () => (await archiver.ArchiveAsync(lastSymbol, lastSession))!.Rows);

                // The same sessions archived by the platform in month files (Archive:Partitioning = month),
                // a backfill: each symbol's sessions in one call, so each month file is written once.
                var monthLayout = new ArchiveLayout(Path.Combine(root, "month-archive"), BarPartitioning.Month);
                var monthCatalog = new ArchiveCatalog(monthLayout);
                var monthArchiver = new SessionArchiver(db.Bars, db.Features, db.Calendar, new ArchivePartitionStore(db.DataSource, db.Schema, db.Retry), monthCatalog, monthLayout,
                    TimeProvider.System);
                watch.Restart();
                foreach (var symbol in symbols) await monthArchiver.ArchiveAsync(symbol, sessions);
                var monthSeconds = watch.Elapsed.TotalSeconds;
                var monthFiles = Directory.EnumerateFiles(monthLayout.BarsRoot, "*.parquet", SearchOption.AllDirectories).ToList();
                var monthBytes = monthFiles.Sum(f => new FileInfo(f).Length);
                Console.WriteLine($"[{name}] month archive: {monthFiles.Count:N0} files, {monthBytes / 1e6:0.0} MB, written in {monthSeconds:0.0} s");
                await using var monthDuck = await monthCatalog.OpenSandboxedAsync();
                var monthView = await TimeAsync(runs, () => CountAsync(monthDuck, DuckDbSql));
                if (monthView.Rows != symbols.Count * sessions.Count)
                {
                    Console.Error.WriteLine($"[{name}] the month view disagrees: {monthView.Rows} groups, expected {symbols.Count * sessions.Count}");
                    return 1;
                }
                var monthAppend = await TimeAsync(runs, async () => (await monthArchiver.ArchiveAsync(lastSymbol, lastSession))!.Rows);
                Console.WriteLine($"[{name}] one session archived again: day file p50 {dayAppend.Median:0} ms, month file p50 {monthAppend.Median:0} ms");

                // The same rows in other granularities and encodings, each queried by DuckDB (same run, same PostgreSQL median).
                var layouts = await MeasureLayoutsAsync(name, root, layout, bars, symbols.Count * sessions.Count, runs, postgres.Median, csvBytes, (monthLayout.BarsRoot, monthSeconds));
                layouts.Insert(0, new LayoutFigures("day_view", "day partitions (archive view, dt from path)", files, parquetBytes, archiveSeconds, double.NaN, duckdb.Median));
                layouts.Insert(1, new LayoutFigures("month_view", "month partitions (archive view, Archive:Partitioning = month)", monthFiles.Count, monthBytes, monthSeconds, double.NaN, monthView.Median));
                figures.AddRange(Figures(name, perMillion, parquetBytes, csvBytes, tableBytes, zstdBytes.Length, zstdLevel, postgres.Median, layouts));
                figures.Add(BenchFigure.Shown($"archive files, month partitions ({monthFiles.Count:N0}) vs day partitions ({files:N0})", name, monthFiles.Count, "files", "day partitions", files));
                figures.Add(BenchFigure.Shown("archiving one more session: month file rewritten vs day file written", name, monthAppend.Median, "ms", "the session's day file", dayAppend.Median));
                figures.Add(BenchFigure.Shown("archiving a year of sessions (backfill): month files vs day files", name, monthSeconds, "s", "day files, session by session", archiveSeconds));
                Console.WriteLine($"[{name}] archive: {files:N0} files, {parquetBytes * perMillion / 1e6:0.00} MB per million bars (written in {archiveSeconds:0.0} s); " +
                    $"CSV {csvBytes * perMillion / 1e6:0.00} MB ({smaller:0.0}x larger); PostgreSQL table with indexes {tableBytes * perMillion / 1e6:0.00} MB ({tableBytes / (double)parquetBytes:0.0}x larger); " +
                    $"CSV as zstd {zstdLevel} {zstdBytes.Length * perMillion / 1e6:0.00} MB ({zstdBytes.Length / (double)parquetBytes:0.00}x the archive)");
                Console.WriteLine($"[{name}] volume by symbol and day ({duckdb.Rows:N0} groups): PostgreSQL p50 {postgres.Median:0} ms, DuckDB over {files:N0} files p50 {duckdb.Median:0} ms ({faster:0.00}x faster)");
                Console.WriteLine($"[{name}] the same rows by layout ({bars.Length:N0} bars)           files   MB/M bars  CSV x   count(*) ms  query p50 ms  x faster than PostgreSQL");
                Console.WriteLine($"[{name}]   CSV as one zstd stream, level {zstdLevel,-2}             {"-",6} {zstdBytes.Length * perMillion / 1e6,10:0.00} {csvBytes / (double)zstdBytes.Length,6:0.0} {"-",12} {"-",13} {"-",8}");
                Console.WriteLine($"[{name}]   PostgreSQL bars_1m (table with indexes)     {"-",6} {tableBytes * perMillion / 1e6,10:0.00} {csvBytes / (double)tableBytes,6:0.0} {"-",12} {postgres.Median,13:0} {1.0,8:0.00}");
                foreach (var l in layouts)
                {
                    Console.WriteLine($"[{name}]   {l.Name,-43} {l.Files,6:N0} {l.Bytes * perMillion / 1e6,10:0.00} {csvBytes / (double)l.Bytes,6:0.0} {(double.IsNaN(l.CountMs) ? "-" : l.CountMs.ToString("0", CultureInfo.InvariantCulture)),12} {l.QueryMs,13:0} {postgres.Median / l.QueryMs,8:0.00}");
                }
                ok &= smaller >= 20 && faster >= 5;
                results.Add(new
                {
                    path = name, bars = bars.Length, files, parquet_bytes = parquetBytes, csv_bytes = csvBytes, table_bytes = tableBytes,
                    parquet_mb_per_million = Math.Round(parquetBytes * perMillion / 1e6, 2), csv_ratio = Math.Round(smaller, 1),
                    zstd_csv_bytes = zstdBytes.Length, zstd_level = zstdLevel, zstd_csv_ratio = Math.Round(csvBytes / (double)zstdBytes.Length, 1),
                    table_ratio = Math.Round(tableBytes / (double)parquetBytes, 1), archive_seconds = Math.Round(archiveSeconds, 1),
                    postgres_p50_ms = Math.Round(postgres.Median, 1), duckdb_p50_ms = Math.Round(duckdb.Median, 1), duckdb_speedup = Math.Round(faster, 2),
                    month_files = monthFiles.Count, month_bytes = monthBytes, month_archive_seconds = Math.Round(monthSeconds, 1), month_view_p50_ms = Math.Round(monthView.Median, 1),
                    month_view_speedup = Math.Round(postgres.Median / monthView.Median, 2),
                    day_session_archive_p50_ms = Math.Round(dayAppend.Median, 1), month_session_archive_p50_ms = Math.Round(monthAppend.Median, 1),
                    layouts = layouts.Select(l => new
                    {
                        layout = l.Key, files = l.Files, bytes = l.Bytes, mb_per_million = Math.Round(l.Bytes * perMillion / 1e6, 2),
                        csv_ratio = Math.Round(csvBytes / (double)l.Bytes, 1), write_seconds = double.IsNaN(l.WriteSeconds) ? (double?)null : Math.Round(l.WriteSeconds, 1),
                        count_p50_ms = double.IsNaN(l.CountMs) ? (double?)null : Math.Round(l.CountMs, 1), query_p50_ms = Math.Round(l.QueryMs, 1), speedup = Math.Round(postgres.Median / l.QueryMs, 2),
                    }),
                });
            }
            finally
            {
                if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
            }
        }
        Console.WriteLine("goals: the archive >= 20x smaller than CSV; DuckDB >= 5x faster than PostgreSQL");
        Console.WriteLine(JsonSerializer.Serialize(new { benchmark = "archive", results, figures }));
        return ok ? 0 : 1;
    }

    private sealed record LayoutFigures(string Key, string Name, int Files, long Bytes, double WriteSeconds, double CountMs, double QueryMs);

    // What a variant writes: with or without the symbol column (the path names it), prices as DECIMAL(18, 8) or DOUBLE.
    private sealed record Variant(string Key, string Name, Func<DateOnly, string> Partition, bool SymbolColumn, bool DoublePrices, bool ArchiveWriter, bool DateColumn = false, string Level = "month=*");

    private static async Task<List<LayoutFigures>> MeasureLayoutsAsync(string name, string root, ArchiveLayout layout, SymbolBar[] bars, int groups, int runs, double postgresMs, long csvBytes,
        (string Folder, double Seconds) archivedMonths)
    {
        static string Month(DateOnly day) => string.Create(CultureInfo.InvariantCulture, $"month={day:yyyy-MM}");
        Variant[] variants =
        [
            new("month", "month partitions", Month, SymbolColumn: true, DoublePrices: false, ArchiveWriter: true),
            new("month_no_symbol", "month, no symbol column", Month, SymbolColumn: false, DoublePrices: false, ArchiveWriter: false),
            new("month_no_symbol_double", "month, no symbol column, DOUBLE prices", Month, SymbolColumn: false, DoublePrices: true, ArchiveWriter: false),
            // The New York session date as a column (it compresses to almost nothing): the grouping reads it instead of converting ts.
            // Written by the platform's month archiver (above), not simulated here.
            new("month_dt", "month, + dt column (the archive's month files)", Month, SymbolColumn: true, DoublePrices: false, ArchiveWriter: true, DateColumn: true),
            new("symbol_file", "one file per symbol", _ => "", SymbolColumn: true, DoublePrices: false, ArchiveWriter: true, Level: ""),
        ];

        // DuckDB in memory, no sandbox (the variants live outside the archive), the archive connection's time zone.
        await using var duck = new DuckDBConnection("Data Source=:memory:");
        await duck.OpenAsync();
        await using (var setup = duck.CreateCommand())
        {
            setup.CommandText = "SET TimeZone = 'UTC'";
            await setup.ExecuteNonQueryAsync();
        }

        var figures = new List<LayoutFigures>();
        async Task MeasureAsync(string key, string label, string folder, string glob, double writeSeconds, bool dateColumn = false, bool footerCache = false)
        {
            await using (var setting = duck.CreateCommand())
            {
                setting.CommandText = $"SET parquet_metadata_cache = {(footerCache ? "true" : "false")}";
                await setting.ExecuteNonQueryAsync();
            }
            var files = Directory.EnumerateFiles(folder, "*.parquet", SearchOption.AllDirectories).ToList();
            var bytes = files.Sum(f => new FileInfo(f).Length);
            var source = $"read_parquet('{glob.Replace("'", "''", StringComparison.Ordinal)}', hive_partitioning = true)";
            // The same grouping as on PostgreSQL: the New York day of each bar's ts, or the dt column (of the path, or of the file).
            var day = dateColumn ? "dt" : "(ts AT TIME ZONE 'America/New_York')::date";
            var query = await TimeAsync(runs, () => CountAsync(duck, $"SELECT symbol, {day} AS day, sum(volume) FROM {source} GROUP BY 1, 2"));
            // Only the files' footers: what opening and planning over this many files costs.
            var count = await TimeAsync(runs, () => CountAsync(duck, $"SELECT count(*) FROM {source}"));
            if (query.Rows != groups) throw new InvalidOperationException($"[{name}] {label}: DuckDB returned {query.Rows} groups, expected {groups}");
            figures.Add(new LayoutFigures(key, label, files.Count, bytes, writeSeconds, count.Median, query.Median));
            Console.WriteLine($"[{name}] {label}: {files.Count:N0} files, {bytes / 1e6:0.0} MB, count(*) p50 {count.Median:0} ms, " +
                $"volume by symbol and day p50 {query.Median:0} ms ({postgresMs / query.Median:0.00}x faster than PostgreSQL)");
        }

        await MeasureAsync("day", "day partitions (archive files, day from ts)", layout.BarsRoot, layout.BarsGlob, double.NaN);
        // The hive dt from the path, with and without DuckDB's footer cache.
        await MeasureAsync("day_dt", "day, dt from path, no footer cache", layout.BarsRoot, layout.BarsGlob, double.NaN, dateColumn: true);
        await MeasureAsync("day_dt_cache", "day, dt from path, footer cache", layout.BarsRoot, layout.BarsGlob, double.NaN, dateColumn: true, footerCache: true);
        foreach (var variant in variants)
        {
            if (variant.Key == "month_dt")
            {
                await MeasureAsync(variant.Key, variant.Name, archivedMonths.Folder, Path.Combine(archivedMonths.Folder, "symbol=*", variant.Level, "*.parquet"), archivedMonths.Seconds, dateColumn: true);
                continue;
            }
            var folder = Path.Combine(root, "layouts", variant.Key);
            var watch = Stopwatch.StartNew();
            foreach (var chunk in bars.GroupBy(b => (b.Symbol.Value, variant.Partition(NewYorkTime.DateOf(b.Bar.Timestamp)))))
            {
                var (symbol, partition) = chunk.Key;
                var file = Path.Combine(folder, $"symbol={symbol}", partition, "part-0.parquet");
                var stored = chunk.Select(b => new StoredBar(b.Bar.Timestamp, b.Bar.Open, b.Bar.High, b.Bar.Low, b.Bar.Close, b.Bar.Volume, b.Bar.TradeCount, b.Bar.Vwap, true)).ToList();
                if (variant.ArchiveWriter) await BarParquetWriter.WriteAsync(file, symbol, stored);
                else await WriteVariantAsync(file, symbol, stored, variant);
            }
            var glob = variant.Level == "" ? Path.Combine(folder, "symbol=*", "*.parquet") : Path.Combine(folder, "symbol=*", variant.Level, "*.parquet");
            await MeasureAsync(variant.Key, variant.Name, folder, glob, watch.Elapsed.TotalSeconds, variant.DateColumn);
        }
        return figures;
    }

    private static async Task<int> CountAsync(DuckDBConnection duck, string sql)
    {
        await using var command = duck.CreateCommand();
        command.CommandText = sql;
        var count = 0;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) count++;
        return count;
    }

    // BarParquetWriter's format (ZSTD Optimal, INT64 microseconds UTC, one row group), with the variant's columns.
    private static async Task WriteVariantAsync(string path, string symbol, List<StoredBar> bars, Variant variant)
    {
        var symbolField = new DataField<string>("symbol");
        var ts = new DateTimeDataField("ts", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros);
        DataField Price(string column) => variant.DoublePrices ? new DataField<double>(column) : new DecimalDataField(column, 18, BarParquetWriter.PriceScale);
        var (open, high, low, close, vwap) = (Price("open"), Price("high"), Price("low"), Price("close"), Price("vwap"));
        var (volume, tradeCount) = (new DataField<long>("volume"), new DataField<long>("trade_count"));
        var date = new DataField<DateOnly>("dt");
        var fields = new List<Field>();
        if (variant.SymbolColumn) fields.Add(symbolField);
        fields.AddRange([ts, open, high, low, close, volume, tradeCount, vwap]);
        if (variant.DateColumn) fields.Add(date);

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var file = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), file,
            new ParquetOptions { CompressionMethod = CompressionMethod.Zstd, CompressionLevel = CompressionLevel.Optimal });
        using var group = writer.CreateRowGroup();
        async Task PriceAsync(DataField field, Func<StoredBar, decimal> value)
        {
            if (variant.DoublePrices) await group.WriteAsync<double>(field, bars.Select(b => (double)value(b)).ToArray());
            else await group.WriteAsync<decimal>(field, bars.Select(value).ToArray());
        }
        if (variant.SymbolColumn) await group.WriteAsync(symbolField, [.. bars.Select(_ => symbol)], null);
        await group.WriteAsync<DateTime>(ts, bars.Select(b => b.Timestamp.UtcDateTime).ToArray());
        await PriceAsync(open, b => b.Open);
        await PriceAsync(high, b => b.High);
        await PriceAsync(low, b => b.Low);
        await PriceAsync(close, b => b.Close);
        await group.WriteAsync<long>(volume, bars.Select(b => b.Volume).ToArray());
        await group.WriteAsync<long>(tradeCount, bars.Select(b => b.TradeCount).ToArray());
        await PriceAsync(vwap, b => b.Vwap);
        if (variant.DateColumn) await group.WriteAsync<DateOnly>(date, bars.Select(b => NewYorkTime.DateOf(b.Timestamp)).ToArray());
    }

    // bench-doc's figures: sizes against CSV (goal: 20x smaller, ratio <= 0.05), the PostgreSQL table and zstd over the CSV; each layout's query against PostgreSQL (goal: 5x faster, ratio <= 0.2).
    private static List<BenchFigure> Figures(string path, double perMillion, long parquetBytes, long csvBytes, long tableBytes, long zstdBytes, int zstdLevel, double postgresMs, List<LayoutFigures> layouts)
    {
        double Mb(long bytes) => bytes * perMillion / 1e6;
        const string Csv = "the same rows as CSV";
        var figures = new List<BenchFigure>
        {
            BenchFigure.AtMost("archive MB per million bars vs CSV", path, Mb(parquetBytes), "MB", Csv, Mb(csvBytes), 0.05),
            BenchFigure.Shown("archive MB per million bars vs PostgreSQL bars_1m with indexes", path, Mb(parquetBytes), "MB", "PostgreSQL table with indexes", Mb(tableBytes)),
            BenchFigure.Shown($"archive MB per million bars vs the CSV as one zstd-{zstdLevel} stream (entropy peer)", path, Mb(parquetBytes), "MB", $"CSV compressed by zstd level {zstdLevel}", Mb(zstdBytes)),
            // What the 20x goal asks of a general compressor given the whole CSV at once.
            BenchFigure.AtMost($"CSV as one zstd-{zstdLevel} stream vs CSV", path, Mb(zstdBytes), "MB", Csv, Mb(csvBytes), 0.05),
        };
        foreach (var l in layouts)
        {
            figures.Add(BenchFigure.AtMost($"archive layout {l.Key} ({l.Files:N0} files) MB per million bars vs CSV", path, Mb(l.Bytes), "MB", Csv, Mb(csvBytes), 0.05));
            figures.Add(BenchFigure.AtMost($"volume by symbol and day, DuckDB over layout {l.Key} ({l.Files:N0} files) vs PostgreSQL", path, l.QueryMs, "ms",
                "the same query on PostgreSQL bars_1m, same run", postgresMs, 0.2));
        }
        return figures;
    }

    /// <summary>A write-only stream that only counts the bytes written to it.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
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
