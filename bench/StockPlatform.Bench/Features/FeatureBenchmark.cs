using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using StockPlatform.Archive.Catalog;
using StockPlatform.Archive.Partitions;
using StockPlatform.Archive.Query;
using StockPlatform.Archive.Tiering;
using StockPlatform.Archive;
using StockPlatform.Bench.Support;
using StockPlatform.Features.Building;
using StockPlatform.Features.Calculation;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Features;
using StockPlatform.Storage.Schema;

namespace StockPlatform.Bench.Features;

/// <summary>
/// The core v1 feature set over a year of regular-session minutes (252 sessions) for 10 symbols:
/// <list type="bullet">
/// <item>compute: <see cref="FeatureCalculator.ComputeAll"/> in bars per second (best of several
/// runs), as a ratio to copying the same columns into <see cref="BarSeries"/>-shaped arrays made
/// once (the memory-bandwidth floor); <see cref="BarSeries.From"/> from decimal bars timed apart,
/// with and without the New York session key per bar, and the computation into a reused buffer.
/// Goal: at least 1,000,000 bars/s.</item>
/// <item>full build: <see cref="FeatureBuilder.BuildAsync"/> of every symbol on a temporary
/// database (read 1m, 5m and 1d bars, compute, replace the rows) against a raw binary COPY of
/// the same rows into an identical table (the write floor), on each storage path.</item>
/// <item>one new session: the resumed build against a full rebuild of that symbol, and the rows
/// of both compared bit for bit.</item>
/// </list>
/// </summary>
internal static class FeatureBenchmark
{
    private static readonly FeatureSetDefinition Set = FeatureSets.CoreV1;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Arguments(args);
        var symbolCount = options.Int("symbols", 10);
        var days = options.Int("days", 252);
        var runs = options.Int("runs", 5);
        var first = new DateOnly(2024, 1, 2);
        var symbols = Enumerable.Range(0, symbolCount).Select(i => Symbol.Parse($"S{i:D2}")).ToList();

        // Every symbol's sessions plus one more: the new session of the incremental build.
        var generated = Enumerable.Range(0, symbolCount).Select(s => MinuteBars.Regular(s, first, days + 1)).ToList();
        var lastDay = NewYorkTime.DateOf(generated[0][^1].Timestamp);
        var year = generated.Select(g => g.TakeWhile(b => NewYorkTime.DateOf(b.Timestamp) < lastDay).ToArray()).ToList();
        var newSession = generated.Select(g => g.SkipWhile(b => NewYorkTime.DateOf(b.Timestamp) < lastDay).ToArray()).ToList();
        long totalBars = year.Sum(b => b.Length);
        Console.WriteLine($"{symbolCount} symbols x {days} regular sessions: {totalBars:N0} one-minute bars ({totalBars / symbolCount:N0} a symbol; half days are shorter); core v1 has {Set.Columns.Count} columns, look-back {Set.LookBackBars} bars");

        var ok = true;
        var compute = MeasureCompute(year, runs);
        ok &= compute.ComputeBarsPerSecond >= 1_000_000;

        const string CopyFloor = "copying the same columns into arrays made once";
        var figures = new List<BenchFigure>
        {
            BenchFigure.Checked("FeatureCalculator.ComputeAll (core v1)", BenchFigure.AnyPath, compute.ComputeBarsPerSecond, "bars/s",
                CopyFloor, compute.CopyFloorBarsPerSecond, ">= 1,000,000 bars/s", compute.ComputeBarsPerSecond >= 1_000_000),
            BenchFigure.Shown("BarSeries.From, New York session", BenchFigure.AnyPath, compute.FromNewYorkBarsPerSecond, "bars/s", CopyFloor, compute.CopyFloorBarsPerSecond),
        };
        var results = new List<object>();
        foreach (var path in await BenchDatabase.PathsAsync(options))
        {
            var (result, identical) = await MeasureBuildAsync(options, path, symbols, year, newSession, runs, figures);
            results.Add(result);
            ok &= identical;
        }

        Console.WriteLine("goals: ComputeAll >= 1,000,000 bars/s; a resumed build after one new session bit-identical to a full rebuild");
        Console.WriteLine(JsonSerializer.Serialize(new { benchmark = "features", bars = totalBars, symbols = symbolCount, sessions = days, compute, results, figures },
            new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
        return ok ? 0 : 1;
    }

    private sealed record ComputeFigures(
        double CopyFloorMs, double FromUtcDayMs, double FromNewYorkMs, double ComputeMs, double ComputeIntoMs,
        double CopyFloorBarsPerSecond, double FromNewYorkBarsPerSecond, double ComputeBarsPerSecond,
        double ComputeToCopyFloor, double FromNewYorkToCopyFloor, double NewYorkSessionShareOfFrom);

    // Best of `runs` (after a warm-up) of each stage over all symbols, single-threaded.
    private static ComputeFigures MeasureCompute(List<Bar[]> year, int runs)
    {
        var prepared = year.Select(b => BarSeries.From(b, BarSeries.NewYorkSession)).ToList();
        long bars = year.Sum(b => b.Length);
        double checksum = 0;

        double Best(Action<int> perSymbol)
        {
            for (var s = 0; s < year.Count; s++) perSymbol(s); // warm-up (JIT tiers, first-touch pages)
            var best = double.MaxValue;
            for (var run = 0; run < runs; run++)
            {
                var watch = Stopwatch.StartNew();
                for (var s = 0; s < year.Count; s++) perSymbol(s);
                best = Math.Min(best, watch.Elapsed.TotalMilliseconds);
            }
            return best;
        }

        // The floor: the same columns copied into arrays of the right size made once (memory bandwidth only, no allocation).
        var targets = prepared.Select(p => (Ts: new long[p.Count], Open: new double[p.Count], High: new double[p.Count], Low: new double[p.Count],
            Close: new double[p.Count], Volume: new double[p.Count], Vwap: new double[p.Count], Session: new int[p.Count])).ToList();
        var copy = Best(s =>
        {
            var (p, t) = (prepared[s], targets[s]);
            p.TimestampsMicros.CopyTo(t.Ts, 0);
            p.Open.CopyTo(t.Open, 0);
            p.High.CopyTo(t.High, 0);
            p.Low.CopyTo(t.Low, 0);
            p.Close.CopyTo(t.Close, 0);
            p.Volume.CopyTo(t.Volume, 0);
            p.Vwap.CopyTo(t.Vwap, 0);
            p.Session.CopyTo(t.Session, 0);
            checksum += t.Close[^1];
        });
        // Converting decimal bars into new columns: once with a session key that costs nothing (the UTC day), once with the New York date.
        var fromUtc = Best(s => checksum += BarSeries.From(year[s], t => (int)(t.UtcTicks / TimeSpan.TicksPerDay)).Session[^1]);
        var fromNewYork = Best(s => checksum += BarSeries.From(year[s], BarSeries.NewYorkSession).Session[^1]);
        var compute = Best(s => checksum += FeatureCalculator.ComputeAll(Set, prepared[s])[^1]);
        // The same computation into one reused buffer: what allocating the rows costs.
        var buffer = new double[prepared.Max(p => p.Count) * Set.Columns.Count];
        var computeInto = Best(s =>
        {
            FeatureCalculator.ComputeInto(Set, prepared[s], 0, default, buffer);
            checksum += buffer[(prepared[s].Count * Set.Columns.Count) - 1];
        });

        var perSecond = (double ms) => bars / (ms / 1000);
        var figures = new ComputeFigures(
            Math.Round(copy, 2), Math.Round(fromUtc, 2), Math.Round(fromNewYork, 2), Math.Round(compute, 2), Math.Round(computeInto, 2),
            Math.Round(perSecond(copy)), Math.Round(perSecond(fromNewYork)), Math.Round(perSecond(compute)),
            Math.Round(compute / copy, 1), Math.Round(fromNewYork / copy, 1), Math.Round((fromNewYork - fromUtc) / fromNewYork, 2));

        Console.WriteLine();
        Console.WriteLine($"compute, {bars:N0} bars, best of {runs} (single thread)     ms        bars/s   x copy floor");
        Console.WriteLine($"  copy the columns into arrays (floor)      {copy,9:0.0} {perSecond(copy),14:N0} {1.0,10:0.0}");
        Console.WriteLine($"  BarSeries.From, UTC day as session        {fromUtc,9:0.0} {perSecond(fromUtc),14:N0} {fromUtc / copy,10:0.0}");
        Console.WriteLine($"  BarSeries.From, New York session          {fromNewYork,9:0.0} {perSecond(fromNewYork),14:N0} {fromNewYork / copy,10:0.0}");
        Console.WriteLine($"  FeatureCalculator.ComputeAll(CoreV1)      {compute,9:0.0} {perSecond(compute),14:N0} {compute / copy,10:0.0}   (goal >= 1,000,000 bars/s)");
        Console.WriteLine($"  ComputeInto, one reused buffer            {computeInto,9:0.0} {perSecond(computeInto),14:N0} {computeInto / copy,10:0.0}");
        Console.WriteLine($"  (checksum {checksum:E3})");
        Console.WriteLine();
        return figures;
    }

    private static async Task<(object Result, bool Identical)> MeasureBuildAsync(
        Arguments options, StoragePath path, List<Symbol> symbols, List<Bar[]> year, List<Bar[]> newSession, int runs, List<BenchFigure> figures)
    {
        var name = BenchDatabase.Name(path);
        await using var db = await BenchDatabase.CreateAsync(options, path: path);
        var firstDay = NewYorkTime.DateOf(year[0][0].Timestamp);
        var lastDay = NewYorkTime.DateOf(newSession[0][^1].Timestamp);
        await db.Calendar.SaveRangeAsync(firstDay.AddDays(-40), lastDay, [.. NyseCalendar.GetTradingDays(firstDay.AddDays(-40), lastDay)]);

        var watch = Stopwatch.StartNew();
        for (var s = 0; s < symbols.Count; s++)
        {
            for (var offset = 0; offset < year[s].Length; offset += 50_000)
                await db.Bars.UpsertAsync(symbols[s], "iex", new ArraySegment<Bar>(year[s], offset, Math.Min(50_000, year[s].Length - offset)));
        }
        // A few sessions of another symbol to warm up the builder (JIT, registration, pools), not timed.
        var warm = Symbol.Parse("WARM");
        await db.Bars.UpsertAsync(warm, "iex", MinuteBars.Regular(99, firstDay.AddDays(-40), 20));
        await db.Refresher.RefreshAsync(force: true);
        await db.ExecuteAsync("VACUUM ANALYZE");
        Console.WriteLine($"[{name}] {year.Sum(b => b.Length):N0} minutes stored in {watch.Elapsed.TotalSeconds:0.0} s");

        // No retention: every bar comes from the hot store, as in a default installation.
        var layout = new ArchiveLayout(Path.Combine(Path.GetTempPath(), "sp-bench-features-" + Guid.NewGuid().ToString("N")));
        var tiers = new TieredBarReader(db.Bars, new ArchivePartitionStore(db.DataSource, db.Schema, db.Retry), new ArchiveCatalog(layout), layout, db.Calendar,
            Options.Create(new ArchiveOptions()), TimeProvider.System);
        var builder = new FeatureBuilder(tiers, db.Features, new FeatureRegistry(db.Features));
        await builder.BuildAsync(warm, Set, null);

        // Full build of every symbol, one after the other as the rebuild job runs them.
        var perInterval = new Dictionary<string, long>();
        watch.Restart();
        foreach (var symbol in symbols)
        {
            foreach (var built in await builder.BuildAsync(symbol, Set, null))
                perInterval[built.Interval] = perInterval.GetValueOrDefault(built.Interval) + built.Rows;
            Console.WriteLine($"[{name}] built {symbol}: {watch.Elapsed.TotalSeconds:0.0} s");
        }
        var buildSeconds = watch.Elapsed.TotalSeconds;
        var minuteBars = perInterval["1m"];
        var rowsWritten = perInterval.Values.Sum();

        // The write floor: the same rows, raw binary COPY into an identical table (same columns, key and foreign key), one transaction per series.
        await db.ExecuteAsync("CREATE TABLE features_floor (LIKE features INCLUDING ALL); ALTER TABLE features_floor ADD FOREIGN KEY (metadata_id) REFERENCES feature_metadata (id)");
        var series = new List<(FeatureSeriesKey Key, int MetadataId, List<FeatureRow> Rows)>();
        foreach (var symbol in symbols)
        {
            foreach (var interval in FeatureBuilder.Intervals)
            {
                var key = new FeatureSeriesKey(symbol.Value, Set.Name, Set.Version, interval.ToString());
                series.Add((key, await db.ScalarAsync<int>("SELECT min(metadata_id) FROM features"), [.. await db.Features.ReadAsync(key, null, null, int.MaxValue)]));
            }
        }
        if (series.Sum(s => s.Rows.Count) != rowsWritten) throw new InvalidOperationException("the stored rows differ from the builds' counts");
        await db.ExecuteAsync("CHECKPOINT");
        watch.Restart();
        foreach (var (key, metadataId, rows) in series) await CopyAsync(db.DataSource, key, metadataId, rows);
        var floorSeconds = watch.Elapsed.TotalSeconds;

        // One new session for the first symbol: the resumed build (repeated: it replaces the same rows each time) against full rebuilds.
        var symbol0 = symbols[0];
        await db.Bars.UpsertAsync(symbol0, "iex", newSession[0]);
        var firstNewMinute = newSession[0][0].Timestamp;
        IReadOnlyList<IntervalBuild> resumedBuilds = [];
        var incremental = await MedianAsync(runs, async () => resumedBuilds = await builder.BuildAsync(symbol0, Set, firstNewMinute));
        var afterResume = await ReadSymbolAsync(db.Features, symbol0);
        IReadOnlyList<IntervalBuild> fullBuilds = [];
        var rebuild = await MedianAsync(Math.Max(1, runs / 2), async () => fullBuilds = await builder.BuildAsync(symbol0, Set, null));
        var afterRebuild = await ReadSymbolAsync(db.Features, symbol0);
        var difference = Compare(afterRebuild, afterResume);
        var identical = difference is null && resumedBuilds.All(b => b.Resumed || b.Interval == "1d");

        var buildRate = minuteBars / buildSeconds;
        Console.WriteLine($"[{name}] full build, {symbols.Count} symbols                 s      1m bars/s     rows     x floor");
        Console.WriteLine($"[{name}]   raw binary COPY of the rows (floor)  {floorSeconds,7:0.00} {minuteBars / floorSeconds,12:N0} {rowsWritten,10:N0} {1.0,8:0.0}");
        Console.WriteLine($"[{name}]   FeatureBuilder.BuildAsync(null)      {buildSeconds,7:0.00} {buildRate,12:N0} {rowsWritten,10:N0} {buildSeconds / floorSeconds,8:0.0}");
        Console.WriteLine($"[{name}]   ({string.Join(", ", perInterval.Select(p => $"{p.Value:N0} {p.Key}"))} rows)");
        Console.WriteLine($"[{name}] one new session of {symbol0} ({newSession[0].Length} minutes), medians       ms    x resumed");
        Console.WriteLine($"[{name}]   resumed BuildAsync(firstNewMinute)   {incremental,8:0.0} {1.0,8:0.0}   ({string.Join(", ", resumedBuilds.Select(b => $"{b.Interval} {b.Rows} rows{(b.Resumed ? " resumed" : " rebuilt")}"))})");
        Console.WriteLine($"[{name}]   full rebuild BuildAsync(null)        {rebuild,8:0.0} {rebuild / incremental,8:0.0}   ({string.Join(", ", fullBuilds.Select(b => $"{b.Interval} {b.Rows} rows"))})");
        Console.WriteLine(identical
            ? $"[{name}]   resumed rows bit-identical to the full rebuild: yes ({afterRebuild.Sum(r => r.Value.Count):N0} rows, every value's bits and timestamp)"
            : $"[{name}]   resumed rows bit-identical to the full rebuild: NO - {difference ?? "an interval was not resumed"}");
        Console.WriteLine();
        figures.Add(BenchFigure.Shown($"full build, {symbols.Count} symbols", name, buildSeconds, "s", "raw binary COPY of the same feature rows into an identical table", floorSeconds));
        figures.Add(BenchFigure.Checked($"resumed build, one new session of {symbol0}", name, incremental, "ms", "the full rebuild of that symbol", rebuild,
            "rows bit-identical to the rebuild", identical));

        return (new
        {
            path = name, minute_bars = minuteBars, rows_written = rowsWritten, build_seconds = Math.Round(buildSeconds, 2),
            build_bars_per_second = Math.Round(buildRate), floor_seconds = Math.Round(floorSeconds, 2),
            build_to_floor = Math.Round(buildSeconds / floorSeconds, 2),
            incremental_ms = Math.Round(incremental, 1), rebuild_ms = Math.Round(rebuild, 1), rebuild_to_incremental = Math.Round(rebuild / incremental, 1),
            resumed = resumedBuilds.ToDictionary(b => b.Interval, b => b.Resumed), identical,
        }, identical);
    }

    private static async Task CopyAsync(NpgsqlDataSource dataSource, FeatureSeriesKey key, int metadataId, List<FeatureRow> rows)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var copy = await connection.BeginBinaryImportAsync("COPY features_floor (symbol, feature_set, version, interval, ts, metadata_id, vals) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var row in rows)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(key.Symbol, NpgsqlDbType.Text);
                await copy.WriteAsync(key.FeatureSet, NpgsqlDbType.Text);
                await copy.WriteAsync(key.Version, NpgsqlDbType.Integer);
                await copy.WriteAsync(key.Interval, NpgsqlDbType.Text);
                await copy.WriteAsync(row.Timestamp, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(metadataId, NpgsqlDbType.Integer);
                await copy.WriteAsync(row.Values, NpgsqlDbType.Array | NpgsqlDbType.Double);
            }
            await copy.CompleteAsync();
        }
        await transaction.CommitAsync();
    }

    private static async Task<Dictionary<string, IReadOnlyList<FeatureRow>>> ReadSymbolAsync(FeatureStore store, Symbol symbol)
    {
        var rows = new Dictionary<string, IReadOnlyList<FeatureRow>>();
        foreach (var interval in FeatureBuilder.Intervals)
            rows[interval.ToString()] = await store.ReadAsync(new FeatureSeriesKey(symbol.Value, Set.Name, Set.Version, interval.ToString()), null, null, int.MaxValue);
        return rows;
    }

    // Null when every interval has the same timestamps and the same bits in every value.
    private static string? Compare(Dictionary<string, IReadOnlyList<FeatureRow>> expected, Dictionary<string, IReadOnlyList<FeatureRow>> actual)
    {
        foreach (var (interval, rows) in expected)
        {
            var other = actual[interval];
            if (rows.Count != other.Count) return $"{interval}: {other.Count} rows, the rebuild has {rows.Count}";
            for (var i = 0; i < rows.Count; i++)
            {
                if (rows[i].Timestamp != other[i].Timestamp) return $"{interval} row {i}: {other[i].Timestamp:O}, the rebuild has {rows[i].Timestamp:O}";
                for (var c = 0; c < rows[i].Values.Length; c++)
                {
                    if (BitConverter.DoubleToInt64Bits(rows[i].Values[c]) != BitConverter.DoubleToInt64Bits(other[i].Values[c]))
                        return $"{interval} row {i} ({rows[i].Timestamp:O}) {Set.Columns[c]}: {other[i].Values[c]:R}, the rebuild has {rows[i].Values[c]:R}";
                }
            }
        }
        return null;
    }

    private static async Task<double> MedianAsync(int runs, Func<Task> action)
    {
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await action();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return times.Order().ElementAt(times.Count / 2);
    }
}
