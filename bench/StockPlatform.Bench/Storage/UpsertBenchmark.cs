using System.Diagnostics;
using System.Text.Json;
using NpgsqlTypes;
using StockPlatform.Bench.Support;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;

namespace StockPlatform.Bench.Storage;

/// <summary>
/// Writes N 1-minute bars three ways in one fresh database: a plain binary COPY into an empty
/// table with bars_1m's columns but no index or constraint (the baseline: the fastest a client
/// can hand rows to PostgreSQL), then <see cref="BarStore.UpsertAsync(IReadOnlyList{SymbolBar}, string, CancellationToken)"/>
/// of the same rows into empty bars_1m (all new), then the same rows again (all unchanged), in
/// batches. Goal: new rows at no less than half the plain COPY's throughput.
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

        await using var db = await BenchDatabase.CreateAsync(options);
        await db.Schema.GetInfoAsync();
        await db.ExecuteAsync("CREATE TABLE copy_baseline (LIKE bars_1m INCLUDING DEFAULTS)");
        // A background vacuum landing in one measurement and not the other would skew the ratio.
        await db.ExecuteAsync("ALTER TABLE copy_baseline SET (autovacuum_enabled = false); ALTER TABLE bars_1m SET (autovacuum_enabled = false)");

        // Warm both paths up (JIT, connections, plans), then start from empty tables.
        var warmUp = new ArraySegment<SymbolBar>(bars, 0, Math.Min(rows, Math.Min(batch, 20_000)));
        await CopyAsync(db, warmUp);
        await db.Bars.UpsertAsync(warmUp, Feed);
        await db.ExecuteAsync("TRUNCATE copy_baseline, bars_1m, symbols");

        var copy = await TimeAsync(async () => { await CopyAsync(db, bars); return default(UpsertResult); });
        var insert = await TimeAsync(() => UpsertAsync(db, bars, batch));
        var again = await TimeAsync(() => UpsertAsync(db, bars, batch));

        var stored = await db.CountAsync("bars_1m");
        var copied = await db.CountAsync("copy_baseline");
        if (insert.Result != new UpsertResult(rows, 0, 0) || again.Result != new UpsertResult(0, 0, rows) || stored != rows || copied != rows)
        {
            Console.Error.WriteLine($"unexpected counts: first upsert {insert.Result}, second {again.Result}, bars_1m {stored}, baseline {copied}");
            return 1;
        }

        var copyRate = rows / copy.Elapsed.TotalSeconds;
        var insertRate = rows / insert.Elapsed.TotalSeconds;
        var againRate = rows / again.Elapsed.TotalSeconds;
        var insertRatio = insertRate / copyRate;
        var againRatio = againRate / copyRate;
        Console.WriteLine($"rows                      {rows:N0} ({Symbols.Length} symbols, batches of {batch:N0})");
        Console.WriteLine($"plain COPY (baseline)     {copy.Elapsed.TotalSeconds,7:0.00} s  {copyRate,10:N0} rows/s");
        Console.WriteLine($"upsert, new rows          {insert.Elapsed.TotalSeconds,7:0.00} s  {insertRate,10:N0} rows/s  ratio {insertRatio:0.000} (goal >= {Goal})");
        Console.WriteLine($"upsert, unchanged rows    {again.Elapsed.TotalSeconds,7:0.00} s  {againRate,10:N0} rows/s  ratio {againRatio:0.000}");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            benchmark = "upsert",
            rows,
            batch,
            copy_rows_per_second = Math.Round(copyRate),
            new_rows_per_second = Math.Round(insertRate),
            unchanged_rows_per_second = Math.Round(againRate),
            new_ratio_to_copy = Math.Round(insertRatio, 4),
            unchanged_ratio_to_copy = Math.Round(againRatio, 4),
        }));
        return insertRatio >= Goal ? 0 : 1;
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
    private static async Task CopyAsync(BenchDatabase db, IReadOnlyList<SymbolBar> bars)
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY copy_baseline (symbol, ts, open, high, low, close, volume, trade_count, vwap, feed) FROM STDIN (FORMAT BINARY)");
        foreach (var item in bars)
        {
            await BarStore.WriteRowAsync(writer, item, CancellationToken.None);
            await writer.WriteAsync(Feed, NpgsqlDbType.Text);
        }
        await writer.CompleteAsync();
    }
}
