using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using StockPlatform.Archive;
using StockPlatform.Archive.Catalog;
using StockPlatform.Archive.Partitions;
using StockPlatform.Archive.Query;
using StockPlatform.Bench.Support;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Schema;
using StockPlatform.Storage.Ticks;

namespace StockPlatform.Bench.Storage;

/// <summary>
/// Trades and quotes through their stores, on each storage path: write throughput of
/// <see cref="TradeStore.InsertAsync(IReadOnlyList{SymbolTrade}, string, CancellationToken)"/> and
/// <see cref="QuoteStore.InsertAsync(IReadOnlyList{SymbolQuote}, string, CancellationToken)"/> in
/// batches (all rows new, then all already stored), each against the fair best peer: a plain
/// binary COPY of the same batches, rows in the store's order, into the very same table (its
/// primary key; on TimescaleDB the hypertable), emptied before the store writes. Then what a
/// million rows take: in the hot store (table and indexes; on TimescaleDB also once every chunk is
/// compressed, and a re-run over the compressed chunks) and in the archive (the day partitions
/// <see cref="TickArchiver"/> writes, and how fast). The writes run <c>--runs</c> times (COPY, store,
/// store again, each into the emptied table) and the best of each counts. Goal: new rows at no less
/// than half the COPY's rows/s.
/// </summary>
internal static class TickBenchmark
{
    private const double Goal = 0.5;
    private const string Feed = "sip";
    private static readonly string[] Names = ["AAPL", "MSFT", "NVDA", "SPY", "TSLA", "QQQ", "AMD", "META"];

    /// <summary>One dataset's figures on one path (rows/s, bytes per million rows; null where the path has no such figure).</summary>
    private sealed record Figures(string Dataset, int Rows, double CopyRate, double InsertRate, double RerunRate, long HotBytes,
        long? CompressedBytes, double? CompressedRerunRate, long ArchiveBytes, int ArchiveFiles, double ArchiveRate)
    {
        public double InsertRatio => InsertRate / CopyRate;

        public double RerunRatio => RerunRate / CopyRate;
    }

    /// <summary>What the benchmark needs of one dataset: its table, its batches, the store's write and the baseline's COPY of one batch.</summary>
    private sealed record Dataset(string Name, string Table, int Rows, int Batches,
        Func<BenchDatabase, int, Task<int>> InsertAsync, Func<NpgsqlConnection, int, Task> CopyAsync);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Arguments(args);
        var symbols = Names.Take(Math.Clamp(options.Int("symbols", 5), 1, Names.Length)).Select(Symbol.Parse).ToList();
        var days = SyntheticTicks.Days(new DateOnly(2024, 1, 2), options.Int("days", 2));
        var batch = options.Int("batch", 10_000);
        var trades = SyntheticTicks.Trades(symbols, days, options.Int("trades", 300_000));
        var quotes = SyntheticTicks.Quotes(symbols, days, options.Int("quotes", 1_000_000));
        var tradeBatches = SyntheticTicks.Batches(trades, batch, t => (t.Symbol, t.Trade.Time));
        var quoteBatches = SyntheticTicks.Batches(quotes, batch, q => (q.Symbol, q.Quote.Time));

        // The baseline writes each batch as the store does, so its rows are put in the store's order first (untimed).
        var tradeCopies = tradeBatches.Select(b => b.OrderBy(t => t.Symbol.Value, StringComparer.Ordinal).ThenBy(t => t.Trade.Time).ToArray()).ToList();
        var quoteCopies = quoteBatches.Select(b => QuoteStore.Sequence(b).ToArray()).ToList();
        var datasets = new[]
        {
            new Dataset("trades", "trades", trades.Count, tradeBatches.Count,
                (db, i) => db.Trades.InsertAsync(tradeBatches[i], Feed),
                (connection, i) => CopyAsync(connection, "trades", "symbol, ts, ts_ns, exchange, trade_id, price, size, conditions, tape, feed", tradeCopies[i],
                    (writer, row) => TradeStore.WriteRowAsync(writer, row, Feed, CancellationToken.None))),
            new Dataset("quotes", "quotes", quotes.Count, quoteBatches.Count,
                (db, i) => db.Quotes.InsertAsync(quoteBatches[i], Feed),
                (connection, i) => CopyAsync(connection, "quotes", "symbol, ts, ts_ns, seq, bid_exchange, bid_price, bid_size, ask_exchange, ask_price, ask_size, conditions, tape, feed",
                    quoteCopies[i], (writer, row) => QuoteStore.WriteRowAsync(writer, row.Quote, row.Seq, Feed, CancellationToken.None))),
        };

        Console.WriteLine($"ticks: {trades.Count:N0} trades and {quotes.Count:N0} quotes of {symbols.Count} symbols over {days.Count} days ({days[0]:yyyy-MM-dd} on), batches of about {batch:N0}");
        var met = true;
        var results = new List<object>();
        var headline = new List<BenchFigure>();
        foreach (var path in await BenchDatabase.PathsAsync(options))
        {
            var figures = await MeasureAsync(options, path, symbols, days, datasets);
            if (figures is null) return 1;
            met &= figures.All(f => f.InsertRatio >= Goal);
            headline.AddRange(figures.SelectMany(f => Headline(BenchDatabase.Name(path), f)));
            results.Add(new
            {
                path = BenchDatabase.Name(path),
                datasets = figures.Select(f => new
                {
                    dataset = f.Dataset, rows = f.Rows,
                    copy_rows_per_second = Math.Round(f.CopyRate), new_rows_per_second = Math.Round(f.InsertRate), new_ratio_to_copy = Math.Round(f.InsertRatio, 4),
                    rerun_rows_per_second = Math.Round(f.RerunRate), rerun_ratio_to_copy = Math.Round(f.RerunRatio, 4),
                    hot_mb_per_million = PerMillion(f.HotBytes, f.Rows), compressed_mb_per_million = f.CompressedBytes is { } c ? PerMillion(c, f.Rows) : (double?)null,
                    compressed_rerun_rows_per_second = f.CompressedRerunRate is { } r ? Math.Round(r) : (double?)null,
                    archive_mb_per_million = PerMillion(f.ArchiveBytes, f.Rows), archive_files = f.ArchiveFiles, archive_rows_per_second = Math.Round(f.ArchiveRate),
                }),
            });
        }
        Console.WriteLine($"goal: new rows at >= {Goal} of the COPY's rows/s, trades and quotes, on every path");
        Console.WriteLine(JsonSerializer.Serialize(new { benchmark = "ticks", batch, symbols = symbols.Count, days = days.Count, results, figures = headline }));
        return met ? 0 : 1;
    }

    private static async Task<List<Figures>?> MeasureAsync(Arguments options, StoragePath path, IReadOnlyList<Symbol> symbols, IReadOnlyList<DateOnly> days, IReadOnlyList<Dataset> datasets)
    {
        var runs = Math.Max(1, options.Int("runs", 2));
        var name = BenchDatabase.Name(path);
        await using var db = await BenchDatabase.CreateAsync(options, path: path);
        await db.Calendar.SaveRangeAsync(days[0], days[^1], [.. NyseCalendar.GetTradingDays(days[0], days[^1])]);
        // A background vacuum landing in one measurement and not the other would skew the ratio.
        await db.ExecuteAsync("ALTER TABLE trades SET (autovacuum_enabled = false); ALTER TABLE quotes SET (autovacuum_enabled = false)");
        var size = path == StoragePath.Timescale ? "hypertable_size" : "pg_total_relation_size";
        var root = Path.Combine(Path.GetTempPath(), "sp-ticks-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var writes = new List<(Dataset Set, double Copy, double Insert, double Rerun, long Hot)>();
            foreach (var set in datasets)
            {
                // Warm both writers up (JIT, connections, plans), then start from an empty table.
                await CopyAllAsync(db, set, 1);
                await db.ExecuteAsync($"TRUNCATE {set.Table}");
                await set.InsertAsync(db, 0);
                await db.ExecuteAsync($"TRUNCATE {set.Table}");

                // Each run: the COPY into the emptied table, then the store into the emptied table, then the store again.
                // The best of the runs counts, so a neighbour's burst on a shared machine costs a run, not the figure.
                TimeSpan copy = TimeSpan.MaxValue, insert = TimeSpan.MaxValue, rerun = TimeSpan.MaxValue;
                for (var run = 0; run < runs; run++)
                {
                    await db.ExecuteAsync($"TRUNCATE {set.Table}");
                    var copied = await TimeAsync(async () => { await CopyAllAsync(db, set, set.Batches); return set.Rows; });
                    var copiedRows = await db.CountAsync(set.Table);
                    await db.ExecuteAsync($"TRUNCATE {set.Table}");
                    var inserted = await TimeAsync(() => InsertAllAsync(db, set));
                    var again = await TimeAsync(() => InsertAllAsync(db, set));
                    var stored = await db.CountAsync(set.Table);
                    if (copiedRows != set.Rows || inserted.Result != set.Rows || again.Result != 0 || stored != set.Rows)
                    {
                        Console.Error.WriteLine($"[{name}] {set.Name}: unexpected counts: COPY left {copiedRows:N0}, first write {inserted.Result:N0} new, re-run {again.Result:N0} new, table {stored:N0} of {set.Rows:N0}");
                        return null;
                    }
                    Console.WriteLine($"[{name}] {set.Name,-7} run {run + 1}: COPY {copied.Elapsed.TotalSeconds:0.00} s, store {inserted.Elapsed.TotalSeconds:0.00} s, re-run {again.Elapsed.TotalSeconds:0.00} s");
                    (copy, insert, rerun) = (Min(copy, copied.Elapsed), Min(insert, inserted.Elapsed), Min(rerun, again.Elapsed));
                }
                await db.ExecuteAsync($"VACUUM ANALYZE {set.Table}");
                var hot = await db.ScalarAsync<long>($"SELECT {size}('{set.Table}')");
                writes.Add((set, set.Rows / copy.TotalSeconds, set.Rows / insert.TotalSeconds, set.Rows / rerun.TotalSeconds, hot));
                Report(name, set.Name, "binary COPY (baseline)", copy, set.Rows, null);
                Report(name, set.Name, "store, new rows", insert, set.Rows, copy / insert);
                Report(name, set.Name, "store, re-run (all stored)", rerun, set.Rows, copy / rerun);
            }

            // The archive as the feature agent writes it: one partition per symbol and day, read from the store page by page.
            var layout = new ArchiveLayout(root);
            var archiver = new TickArchiver(db.Trades, db.Quotes, db.Calendar, new ArchivePartitionStore(db.DataSource, db.Schema, db.Retry), new ArchiveCatalog(layout), layout, TimeProvider.System);
            var archives = new Dictionary<string, (long Bytes, int Files, double Rate)>();
            foreach (var set in datasets)
            {
                long bytes = 0, rows = 0;
                var files = 0;
                var watch = Stopwatch.StartNew();
                foreach (var symbol in symbols)
                {
                    foreach (var day in days)
                    {
                        if (await archiver.ArchiveAsync(set.Name, symbol, day) is not { } written) continue;
                        (bytes, rows, files) = (bytes + written.Bytes, rows + written.Rows, files + 1);
                    }
                }
                watch.Stop();
                if (rows != set.Rows)
                {
                    Console.Error.WriteLine($"[{name}] {set.Name}: the archive holds {rows:N0} rows of {set.Rows:N0}");
                    return null;
                }
                archives[set.Name] = (bytes, files, rows / watch.Elapsed.TotalSeconds);
                Console.WriteLine($"[{name}] {set.Name,-7} archived                     {watch.Elapsed.TotalSeconds,7:0.00} s {rows / watch.Elapsed.TotalSeconds,11:N0} rows/s  ({files} partitions)");
            }

            // TimescaleDB: every chunk compressed (what the policy does after a week), then a re-run against the compressed chunks.
            var compressed = new Dictionary<string, (long Bytes, double Rate)>();
            if (path == StoragePath.Timescale)
            {
                foreach (var set in datasets)
                {
                    var watch = Stopwatch.StartNew();
                    await db.ExecuteAsync($"SELECT count(compress_chunk(c, if_not_compressed => true)) FROM show_chunks('{set.Table}') c");
                    var compressSeconds = watch.Elapsed.TotalSeconds;
                    var bytes = await db.ScalarAsync<long>($"SELECT hypertable_size('{set.Table}')");
                    var rerun = await TimeAsync(() => InsertAllAsync(db, set));
                    if (rerun.Result != 0)
                    {
                        Console.Error.WriteLine($"[{name}] {set.Name}: the re-run over compressed chunks stored {rerun.Result:N0} rows");
                        return null;
                    }
                    compressed[set.Name] = (bytes, set.Rows / rerun.Elapsed.TotalSeconds);
                    Console.WriteLine($"[{name}] {set.Name,-7} compress_chunk, every chunk     {compressSeconds,7:0.00} s");
                    Report(name, set.Name, "store, re-run (compressed)", rerun.Elapsed, set.Rows, null);
                }
            }

            var figures = writes.Select(w => new Figures(w.Set.Name, w.Set.Rows, w.Copy, w.Insert, w.Rerun, w.Hot,
                compressed.TryGetValue(w.Set.Name, out var c) ? c.Bytes : null, compressed.TryGetValue(w.Set.Name, out var r) ? r.Rate : null,
                archives[w.Set.Name].Bytes, archives[w.Set.Name].Files, archives[w.Set.Name].Rate)).ToList();
            Console.WriteLine($"[{name}] MB per million rows      hot (table + indexes){(path == StoragePath.Timescale ? "   compressed" : "")}   archive (Parquet)");
            foreach (var f in figures)
            {
                Console.WriteLine($"[{name}]   {f.Dataset,-7}              {PerMillion(f.HotBytes, f.Rows),14:0.00}{(f.CompressedBytes is { } cb ? $"{PerMillion(cb, f.Rows),13:0.00}" : "")}{PerMillion(f.ArchiveBytes, f.Rows),20:0.00}");
            }
            return figures;
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    // The README's figures: the store's rates against the COPY into the same table, and a million rows' bytes per tier against the hot store.
    private static IEnumerable<BenchFigure> Headline(string path, Figures f)
    {
        const string Copy = "binary COPY of the same batches into the same table";
        const string Hot = "the hot store (table and indexes)";
        yield return BenchFigure.AtLeast($"{f.Dataset}, new rows", path, f.InsertRate, "rows/s", Copy, f.CopyRate, Goal);
        yield return BenchFigure.Shown($"{f.Dataset}, re-run (all stored)", path, f.RerunRate, "rows/s", Copy, f.CopyRate);
        if (f.CompressedRerunRate is { } compressedRerun)
            yield return BenchFigure.Shown($"{f.Dataset}, re-run over compressed chunks", path, compressedRerun, "rows/s", Copy, f.CopyRate);
        yield return BenchFigure.Shown($"{f.Dataset}, hot store per million rows", path, PerMillion(f.HotBytes, f.Rows), "MB");
        if (f.CompressedBytes is { } compressed)
            yield return BenchFigure.Shown($"{f.Dataset}, compressed chunks per million rows", path, PerMillion(compressed, f.Rows), "MB", Hot, PerMillion(f.HotBytes, f.Rows));
        yield return BenchFigure.Shown($"{f.Dataset}, archive (Parquet) per million rows", path, PerMillion(f.ArchiveBytes, f.Rows), "MB", Hot, PerMillion(f.HotBytes, f.Rows));
        yield return BenchFigure.Shown($"{f.Dataset}, archived", path, f.ArchiveRate, "rows/s");
    }

    private static void Report(string path, string dataset, string what, TimeSpan elapsed, int rows, double? ratio) =>
        Console.WriteLine($"[{path}] {dataset,-7} {what,-28} {elapsed.TotalSeconds,7:0.00} s {rows / elapsed.TotalSeconds,11:N0} rows/s"
            + (ratio is { } r ? $"  ratio {r:0.000}" + (what.EndsWith("new rows", StringComparison.Ordinal) ? $" (goal >= {Goal})" : "") : ""));

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static double PerMillion(long bytes, int rows) => Math.Round(bytes / (double)rows * 1_000_000 / 1e6, 2);

    private static async Task<(TimeSpan Elapsed, int Result)> TimeAsync(Func<Task<int>> action)
    {
        var watch = Stopwatch.StartNew();
        var result = await action();
        return (watch.Elapsed, result);
    }

    private static async Task<int> InsertAllAsync(BenchDatabase db, Dataset set)
    {
        var inserted = 0;
        for (var i = 0; i < set.Batches; i++) inserted += await set.InsertAsync(db, i);
        return inserted;
    }

    // One COPY per batch, each its own transaction on a pooled connection, as each of the store's writes is.
    private static async Task CopyAllAsync(BenchDatabase db, Dataset set, int batches)
    {
        for (var i = 0; i < batches; i++)
        {
            await using var connection = await db.DataSource.OpenConnectionAsync();
            await set.CopyAsync(connection, i);
        }
    }

    private static async Task CopyAsync<T>(NpgsqlConnection connection, string table, string columns, IReadOnlyList<T> rows, Func<NpgsqlBinaryImporter, T, Task> write)
    {
        await using var writer = await connection.BeginBinaryImportAsync($"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)");
        foreach (var row in rows) await write(writer, row);
        await writer.CompleteAsync();
    }
}
