using System.Diagnostics;
using System.Text.Json;
using NpgsqlTypes;
using StockPlatform.Bench.Support;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Aggregates;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Schema;

namespace StockPlatform.Bench.Storage;

/// <summary>
/// Writes N 1-minute bars three ways in one fresh database: a plain binary COPY into an empty
/// table with bars_1m's columns but no index or constraint (the baseline: the fastest a client
/// can hand rows to PostgreSQL), then <see cref="BarStore.UpsertAsync(IReadOnlyList{SymbolBar}, string, CancellationToken)"/>
/// of the same rows into empty bars_1m (all new), then the same rows again (all unchanged), in
/// batches; on each storage path the server offers (plain tables and TimescaleDB), side by side.
/// Goal: new rows at no less than half the plain COPY's throughput, on both paths. On TimescaleDB
/// the aggregates' refresh that follows (off the write path) is timed too.
/// </summary>
internal static class UpsertBenchmark
{
    private const double Goal = 0.5;
    private const string Feed = "iex";

    private static readonly Symbol[] Symbols = [Symbol.Parse("AAPL"), Symbol.Parse("MSFT"), Symbol.Parse("NVDA"), Symbol.Parse("SPY")];

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Arguments(args);
        var rows = options.Int("rows", 1_000_000);
        var batch = options.Int("batch", 50_000);
        var bars = MinuteBars.Generate(Symbols, rows, new DateOnly(2023, 1, 3));

        Console.WriteLine($"rows                      {rows:N0} ({Symbols.Length} symbols, batches of {batch:N0})");
        var met = true;
        foreach (var path in await BenchDatabase.PathsAsync(options))
        {
            var result = await MeasureAsync(options, path, bars, batch);
            if (result is null) return 1;
            met &= result.Value;
        }
        return met ? 0 : 1;
    }

    /// <summary>The three writes on one storage path; null when the counts are wrong, else whether the goal is met.</summary>
    private static async Task<bool?> MeasureAsync(Arguments options, StoragePath path, SymbolBar[] bars, int batch)
    {
        var rows = bars.Length;
        var name = BenchDatabase.Name(path);
        await using var db = await BenchDatabase.CreateAsync(options, path: path);
        await db.ExecuteAsync("CREATE TABLE copy_baseline (LIKE bars_1m INCLUDING DEFAULTS)");
        // A background vacuum landing in one measurement and not the other would skew the ratio.
        await db.ExecuteAsync("ALTER TABLE copy_baseline SET (autovacuum_enabled = false); ALTER TABLE bars_1m SET (autovacuum_enabled = false)");

        // Warm both paths up (JIT, connections, plans), then start from empty tables.
        var warmUp = new ArraySegment<SymbolBar>(bars, 0, Math.Min(rows, Math.Min(batch, 20_000)));
        await CopyAsync(db, warmUp, "copy_baseline");
        await db.Bars.UpsertAsync(warmUp, Feed);
        await db.ExecuteAsync(path == StoragePath.Timescale ? "TRUNCATE copy_baseline, bars_1m, symbols, bars_dirty" : "TRUNCATE copy_baseline, bars_1m, symbols");

        var copy = await TimeAsync(async () => { await CopyAsync(db, bars, "copy_baseline"); return default(UpsertResult); });
        // TimescaleDB: the floor of the hypertable itself (its chunk routing and the primary key),
        // the same COPY straight into bars_1m, which is then emptied for the store's writes.
        TimeSpan? tableCopy = null;
        if (path == StoragePath.Timescale)
        {
            tableCopy = (await TimeAsync(async () => { await CopyAsync(db, bars, "bars_1m"); return default(UpsertResult); })).Elapsed;
            await db.ExecuteAsync("TRUNCATE bars_1m");
        }
        var insert = await TimeAsync(() => UpsertAsync(db, bars, batch));
        var again = await TimeAsync(() => UpsertAsync(db, bars, batch));
        // TimescaleDB: what the refresher does afterwards, off the write path, for all of it at once.
        var refresh = Stopwatch.StartNew();
        var refreshed = await db.Refresher.RefreshAsync(force: true);
        refresh.Stop();

        var stored = await db.CountAsync("bars_1m");
        var copied = await db.CountAsync("copy_baseline");
        if (insert.Result != new UpsertResult(rows, 0, 0) || again.Result != new UpsertResult(0, 0, rows) || stored != rows || copied != rows)
        {
            Console.Error.WriteLine($"{name}: unexpected counts: first upsert {insert.Result}, second {again.Result}, bars_1m {stored}, baseline {copied}");
            return null;
        }

        var copyRate = rows / copy.Elapsed.TotalSeconds;
        var insertRate = rows / insert.Elapsed.TotalSeconds;
        var againRate = rows / again.Elapsed.TotalSeconds;
        var insertRatio = insertRate / copyRate;
        var againRatio = againRate / copyRate;
        Console.WriteLine($"[{name}]");
        Console.WriteLine($"  plain COPY (baseline)   {copy.Elapsed.TotalSeconds,7:0.00} s  {copyRate,10:N0} rows/s");
        if (tableCopy is { } hyper)
            Console.WriteLine($"  COPY into the hypertable{hyper.TotalSeconds,7:0.00} s  {rows / hyper.TotalSeconds,10:N0} rows/s  ratio {copy.Elapsed / hyper:0.000} (the hypertable's own floor)");
        Console.WriteLine($"  upsert, new rows        {insert.Elapsed.TotalSeconds,7:0.00} s  {insertRate,10:N0} rows/s  ratio {insertRatio:0.000} (goal >= {Goal})"
            + (tableCopy is { } floor ? $", {floor / insert.Elapsed:0.000} of the hypertable's COPY" : string.Empty));
        Console.WriteLine($"  upsert, unchanged rows  {again.Elapsed.TotalSeconds,7:0.00} s  {againRate,10:N0} rows/s  ratio {againRatio:0.000}");
        if (refreshed.State == RefreshState.Refreshed)
            Console.WriteLine($"  aggregates refreshed    {refresh.Elapsed.TotalSeconds,7:0.00} s  afterwards, off the write path ({refreshed.Ranges} changed ranges in {refreshed.Windows} window(s))");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            benchmark = "upsert",
            path = name,
            rows,
            batch,
            copy_rows_per_second = Math.Round(copyRate),
            new_rows_per_second = Math.Round(insertRate),
            unchanged_rows_per_second = Math.Round(againRate),
            new_ratio_to_copy = Math.Round(insertRatio, 4),
            unchanged_ratio_to_copy = Math.Round(againRatio, 4),
            hypertable_copy_rows_per_second = tableCopy is { } h ? Math.Round(rows / h.TotalSeconds) : (double?)null,
            new_ratio_to_hypertable_copy = tableCopy is { } f ? Math.Round(f / insert.Elapsed, 4) : (double?)null,
            refresh_seconds = refreshed.State == RefreshState.Refreshed ? Math.Round(refresh.Elapsed.TotalSeconds, 2) : (double?)null,
            figures = Figures(name, copyRate, insertRate, againRate, tableCopy is { } t ? rows / t.TotalSeconds : null,
                refreshed.State == RefreshState.Refreshed ? refresh.Elapsed.TotalSeconds : null),
        }));
        return insertRatio >= Goal;
    }

    private static List<BenchFigure> Figures(string path, double copyRate, double insertRate, double againRate, double? hypertableCopyRate, double? refreshSeconds)
    {
        const string Copy = "plain binary COPY into an unindexed table";
        List<BenchFigure> figures =
        [
            BenchFigure.AtLeast("upsert, new rows", path, insertRate, "rows/s", Copy, copyRate, Goal),
            BenchFigure.Shown("upsert, unchanged rows", path, againRate, "rows/s", Copy, copyRate),
        ];
        if (hypertableCopyRate is { } hypertable)
            figures.Add(BenchFigure.Shown("upsert, new rows, to the hypertable's own COPY", path, insertRate, "rows/s", "binary COPY straight into the hypertable", hypertable));
        if (refreshSeconds is { } refresh)
            figures.Add(BenchFigure.Shown("aggregates refresh afterwards (off the write path)", path, refresh, "s"));
        return figures;
    }

    private static async Task<(TimeSpan Elapsed, UpsertResult Result)> TimeAsync(Func<Task<UpsertResult>> action)
    {
        var watch = Stopwatch.StartNew();
        var result = await action();
        return (watch.Elapsed, result);
    }

    private static async Task<UpsertResult> UpsertAsync(BenchDatabase db, SymbolBar[] bars, int batch)
    {
        var total = default(UpsertResult);
        for (var offset = 0; offset < bars.Length; offset += batch)
            total += await db.Bars.UpsertAsync(new ArraySegment<SymbolBar>(bars, offset, Math.Min(batch, bars.Length - offset)), Feed);
        return total;
    }

    // One binary COPY of every row, written exactly as the store's own COPY writes them.
    private static async Task CopyAsync(BenchDatabase db, IReadOnlyList<SymbolBar> bars, string table)
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var writer = await connection.BeginBinaryImportAsync(
            $"COPY {table} (symbol, ts, open, high, low, close, volume, trade_count, vwap, feed) FROM STDIN (FORMAT BINARY)");
        foreach (var item in bars)
        {
            await BarStore.WriteRowAsync(writer, item, CancellationToken.None);
            await writer.WriteAsync(Feed, NpgsqlDbType.Text);
        }
        await writer.CompleteAsync();
    }
}
