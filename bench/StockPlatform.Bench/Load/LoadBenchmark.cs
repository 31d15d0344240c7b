using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using StockPlatform.Bench.Support;
using StockPlatform.MarketData.Calendar;
using StockPlatform.Storage.Schema;

namespace StockPlatform.Bench.Load;

/// <summary>
/// The read endpoints under load while a backfill runs. The gateway, the ingestion agent and
/// (by default) the feature agent run as processes (Release) on PostgreSQL and RabbitMQ, MarketSim
/// in-process; a history of N symbols x D sessions is backfilled first so reads have data. Then,
/// in one run: (A) a multi-symbol backfill alone, timed to completion; (B) the read mix alone,
/// C closed-loop clients for S seconds; (C) the same backfill (as many fresh symbols, all liquid,
/// so the same work) with the read mix running from its start for S seconds and on until it ends.
/// </summary>
/// <remarks>
/// Phase C's read figures are those of the requests started while its backfill ran (the
/// requests after it ended are reported apart), so "during a backfill" means exactly that;
/// its backfill time beside phase A's is the slowdown. Errors are 5xx, timeouts (no complete
/// answer in 10 s) and requests without an answer; 4xx would be the mix's own mistake and are
/// counted apart. The gateway's per-client rate limit is raised out of the way (every client
/// here is one address), which the live benchmark does too.
/// </remarks>
internal static class LoadBenchmark
{
    /// <summary>The last stored session: the history ends on it, phase C's symbols cover the same days.</summary>
    private static readonly DateOnly LastDay = new(2024, 12, 31);

    private sealed record Phase(List<ReadMix.ClassFigures> Reads, double Seconds);

    private sealed record PathResult(
        StoragePath Path, long HistoryBars, TimeSpan HistoryTime, long BarsA, TimeSpan BackfillAlone, long BarsC, TimeSpan BackfillLoaded,
        Phase Alone, Phase During, Phase After, double ReadSecondsC)
    {
        public double Slowdown => BackfillLoaded / BackfillAlone;

        /// <summary>The slowdown per bar (the two sets' bar counts differ by a few minutes without trades).</summary>
        public double SlowdownPerBar => (BackfillLoaded.TotalSeconds / BarsC) / (BackfillAlone.TotalSeconds / BarsA);
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Arguments(args);
        var clients = options.Int("clients", 64);
        var seconds = options.Double("seconds", 60);
        var symbols = options.Int("symbols", 20);
        var days = options.Int("days", 60);
        var backfillSymbols = options.Int("backfill-symbols", 10);
        var features = (options.Text("features") ?? "on") != "off";
        var p99Bound = options.Double("p99-bound", 2.0);
        var messaging = options.Text("messaging") ?? Environment.GetEnvironmentVariable("ConnectionStrings__messaging");
        if (string.IsNullOrWhiteSpace(messaging))
            throw new InvalidOperationException("No RabbitMQ: pass --messaging amqp://user:pass@host:port or set ConnectionStrings__messaging.");
        if (symbols < 5 || days < 2 || backfillSymbols < 1 || clients < 1) throw new ArgumentException("--symbols >= 5, --days >= 2, --backfill-symbols >= 1, --clients >= 1");

        var sessions = Sessions(days);
        var results = new List<PathResult>();
        var started = Stopwatch.StartNew();
        foreach (var path in await BenchDatabase.PathsAsync(options))
            results.Add(await RunPathAsync(options, messaging, path, clients, TimeSpan.FromSeconds(seconds), symbols, backfillSymbols, sessions, features));

        Console.WriteLine();
        Console.WriteLine($"{clients} closed-loop clients on loopback; history {symbols} symbols x {sessions.Count} sessions (to {LastDay:yyyy-MM-dd}); backfill {backfillSymbols} fresh liquid symbols x {sessions.Count} sessions in one POST /jobs; feature agent {(features ? "on" : "off")}");
        Console.WriteLine("phase C's read figures: requests started while its backfill ran; errors: 5xx, timeouts (10 s), no answer");
        foreach (var r in results)
        {
            Console.WriteLine();
            Console.WriteLine($"{BenchDatabase.Name(r.Path)}: history {r.HistoryBars:N0} bars in {r.HistoryTime.TotalSeconds:0.0} s; backfill alone {r.BarsA:N0} bars in {r.BackfillAlone.TotalSeconds:0.0} s, "
                + $"under reads {r.BarsC:N0} bars in {r.BackfillLoaded.TotalSeconds:0.0} s: slowdown {r.Slowdown:0.00}x ({r.SlowdownPerBar:0.00}x per bar)");
            Console.WriteLine($"  {"class",-20} {"alone/s",8} {"p50",7} {"p99",7} {"err",4} | {"during/s",8} {"p50",7} {"p99",7} {"err",4} {"4xx",4} | {"rps",5} {"p99",5} | {"after/s",8} {"p99",7}");
            foreach (var alone in r.Alone.Reads)
            {
                var during = r.During.Reads.Single(d => d.Class == alone.Class);
                var after = r.After.Reads.Single(d => d.Class == alone.Class);
                Console.WriteLine($"  {alone.Class,-20} {alone.PerSecond,8:0.0} {alone.P50,7:0.0} {alone.P99,7:0.0} {alone.Errors,4} | {during.PerSecond,8:0.0} {during.P50,7:0.0} {during.P99,7:0.0} {during.Errors,4} {during.ClientErrors + alone.ClientErrors,4} | "
                    + $"{during.PerSecond / alone.PerSecond,5:0.00} {during.P99 / alone.P99,5:0.00} | {after.PerSecond,8:0.0} {after.P99,7:0.0}");
            }
        }
        Console.WriteLine();
        Console.WriteLine($"goals: no errors (5xx, timeouts) alone or during the backfill; p99 of all reads during the backfill <= {p99Bound:0.0}x alone (the backfill may take up to half the machine); backfill slowdown <= 1.5x");
        Console.WriteLine($"duration: {started.Elapsed.TotalMinutes:0.0} min");

        var figures = new List<BenchFigure>();
        foreach (var r in results)
        {
            var name = BenchDatabase.Name(r.Path);
            var alone = r.Alone.Reads.Single(c => c.Class == "all");
            var during = r.During.Reads.Single(c => c.Class == "all");
            figures.Add(Figure("read throughput during backfill", name, during.PerSecond, "req/s", "reads alone, same run", alone.PerSecond, ">= 0.5", during.PerSecond / alone.PerSecond >= 0.5));
            figures.Add(Figure("read p50 during backfill", name, during.P50, "ms", "reads alone p50, same run", alone.P50, "reported", null));
            figures.Add(Figure("read p99 during backfill", name, during.P99, "ms", "reads alone p99, same run", alone.P99, $"ratio <= {p99Bound:0.0}", during.P99 / alone.P99 <= p99Bound));
            figures.Add(Figure("read errors during backfill", name, during.Errors, "requests", "errors alone", alone.Errors, "0 (value and baseline)", during.Errors == 0 && alone.Errors == 0, ratio: during.Errors + alone.Errors));
            figures.Add(Figure("backfill time under read load", name, r.BackfillLoaded.TotalSeconds, "s", "the same backfill alone, same run", r.BackfillAlone.TotalSeconds, "ratio <= 1.5", r.Slowdown <= 1.5));
        }
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            benchmark = "load",
            clients,
            seconds,
            symbols,
            sessions = sessions.Count,
            backfill_symbols = backfillSymbols,
            features_agent = features,
            duration_seconds = Math.Round(started.Elapsed.TotalSeconds, 1),
            results = results.Select(r => new
            {
                path = BenchDatabase.Name(r.Path),
                history_bars = r.HistoryBars,
                history_seconds = Stats.Round(r.HistoryTime.TotalSeconds),
                backfill_bars_alone = r.BarsA,
                backfill_seconds_alone = Stats.Round(r.BackfillAlone.TotalSeconds),
                backfill_bars_loaded = r.BarsC,
                backfill_seconds_loaded = Stats.Round(r.BackfillLoaded.TotalSeconds),
                backfill_slowdown = Stats.Round(r.Slowdown, 3),
                backfill_slowdown_per_bar = Stats.Round(r.SlowdownPerBar, 3),
                reads_seconds_alone = Stats.Round(r.Alone.Seconds),
                reads_seconds_during = Stats.Round(r.During.Seconds),
                reads_seconds_after = Stats.Round(r.After.Seconds),
                classes = r.Alone.Reads.Select(alone =>
                {
                    var during = r.During.Reads.Single(d => d.Class == alone.Class);
                    return new
                    {
                        @class = alone.Class,
                        alone = Json(alone),
                        during = Json(during),
                        after = Json(r.After.Reads.Single(d => d.Class == alone.Class)),
                        throughput_ratio = Stats.Round(during.PerSecond / alone.PerSecond, 3),
                        p50_ratio = Stats.Round(during.P50 / alone.P50, 3),
                        p99_ratio = Stats.Round(during.P99 / alone.P99, 3),
                    };
                }),
            }),
            figures,
        }));

        var met = results.All(r =>
        {
            var alone = r.Alone.Reads.Single(c => c.Class == "all");
            var during = r.During.Reads.Single(c => c.Class == "all");
            return alone.Errors == 0 && during.Errors == 0 && during.P99 / alone.P99 <= p99Bound && r.Slowdown <= 1.5;
        });
        return met ? 0 : 1;
    }

    private static object Json(ReadMix.ClassFigures f) => new
    {
        requests = f.Requests,
        per_second = Stats.Round(f.PerSecond, 1),
        p50_ms = Stats.Round(f.P50, 1),
        p99_ms = Stats.Round(f.P99, 1),
        errors = f.Errors,
        status_4xx = f.ClientErrors,
    };

    private static BenchFigure Figure(string figure, string path, double value, string unit, string baseline, double baselineValue, string goal, bool? met, double? ratio = null) =>
        new(figure, path, Stats.Round(value, 3), unit, baseline, Stats.Round(baselineValue, 3), Stats.Round(ratio ?? value / baselineValue, 3), goal, met);

    /// <summary>The last <paramref name="count"/> trading days up to <see cref="LastDay"/>, oldest first.</summary>
    private static List<DateOnly> Sessions(int count)
    {
        var days = new List<DateOnly>(count);
        for (var date = LastDay; days.Count < count; date = date.AddDays(-1))
        {
            if (NyseCalendar.GetTradingDay(date) is not null) days.Add(date);
        }
        days.Reverse();
        return days;
    }

    private static async Task<PathResult> RunPathAsync(
        Arguments options, string messaging, StoragePath path, int clients, TimeSpan duration, int symbolCount, int backfillCount, List<DateOnly> sessions, bool features)
    {
        var name = BenchDatabase.Name(path);
        // Made-up tickers (MarketSim serves any), all liquid so every set of the same size is the same work.
        var history = Names("H", symbolCount);
        var setA = Names("A", backfillCount);
        var setC = Names("C", backfillCount);
        await using var sim = await BenchMarketSim.StartAsync(int.MaxValue, TimeSpan.FromSeconds(60), settings: BenchMarketSim.Liquid([.. history, .. setA, .. setC]));
        await using var database = await BenchDatabase.CreateAsync(options, path: path);
        await using var services = new BenchServices(database.ConnectionString, messaging, sim.Urls.Single());
        services.StartGateway(new Dictionary<string, string> { ["Gateway__RequestsPerSecond"] = "100000" });
        services.StartIngestion();
        if (features) services.StartFeatures();
        await services.WaitHealthyAsync(TimeSpan.FromSeconds(90));
        var http = services.Client!;
        string Explain() => string.Join('\n', services.Started.Select(s => $"{s.Name}:\n{s.Process.Tail(10)}"));

        // History first, so the reads have data (and the platform its symbols, coverage and jobs).
        var clock = Stopwatch.StartNew();
        var historyBars = await BenchJobs.WaitAsync(http, await BenchJobs.PostAsync(http, history, sessions[0], sessions[^1]), $"{name} history", TimeSpan.FromMilliseconds(250), Explain);
        var historyTime = clock.Elapsed;
        await QuietAsync(database, path, features, history, sessions[^1], $"{name} history");

        // A few seconds of the mix first: JIT, connection pools and the database's caches warm for both phases alike.
        using var readClient = new HttpClient { BaseAddress = services.Gateway!.Url, Timeout = Timeout.InfiniteTimeSpan };
        var mix = new ReadMix(readClient, history, sessions, features);
        using (var warm = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Min(5, duration.TotalSeconds / 4))))
            await mix.RunAsync(clients, TimeSpan.Zero, seed: 1, warm.Token);

        // A: the backfill alone.
        clock.Restart();
        var barsA = await BenchJobs.WaitAsync(http, await BenchJobs.PostAsync(http, setA, sessions[0], sessions[^1]), $"{name} A backfill alone", TimeSpan.FromMilliseconds(250), Explain);
        var backfillAlone = clock.Elapsed;
        await QuietAsync(database, path, features, setA, sessions[^1], $"{name} A");

        // B: the reads alone.
        mix.Samples.Clear();
        var readsStart = Stopwatch.GetTimestamp();
        using (var stop = new CancellationTokenSource(duration))
        {
            var reading = mix.RunAsync(clients, TimeSpan.Zero, seed: 1000, stop.Token);
            await ReportWhileAsync(reading, mix, $"{name} B reads alone", readsStart);
        }
        var alone = new Phase(ReadMix.Summarize(mix.Samples, mix.Classes, Stopwatch.GetElapsedTime(readsStart).TotalSeconds), Stopwatch.GetElapsedTime(readsStart).TotalSeconds);

        // C: the same backfill with the reads running from its start, for the duration and on until it ends.
        mix.Samples.Clear();
        long backfillEnd;
        TimeSpan backfillLoaded;
        long barsC;
        var startC = Stopwatch.GetTimestamp();
        using (var stop = new CancellationTokenSource())
        {
            var reading = mix.RunAsync(clients, TimeSpan.Zero, seed: 2000, stop.Token);
            var job = await BenchJobs.PostAsync(http, setC, sessions[0], sessions[^1]);
            var progress = ReportWhileAsync(reading, mix, $"{name} C reads", startC);
            barsC = await BenchJobs.WaitAsync(http, job, $"{name} C backfill under reads", TimeSpan.FromMilliseconds(250), Explain);
            backfillEnd = Stopwatch.GetTimestamp();
            backfillLoaded = Stopwatch.GetElapsedTime(startC, backfillEnd);
            var left = duration - Stopwatch.GetElapsedTime(startC);
            if (left > TimeSpan.Zero) await Task.Delay(left);
            await stop.CancelAsync();
            await progress;
        }
        var readEnd = Stopwatch.GetTimestamp();
        var samples = mix.Samples.ToList();
        var duringSeconds = Stopwatch.GetElapsedTime(startC, backfillEnd).TotalSeconds;
        var afterSeconds = Stopwatch.GetElapsedTime(backfillEnd, readEnd).TotalSeconds;
        var during = new Phase(ReadMix.Summarize(samples.Where(s => s.Started < backfillEnd).ToList(), mix.Classes, duringSeconds), duringSeconds);
        var after = new Phase(ReadMix.Summarize(samples.Where(s => s.Started >= backfillEnd).ToList(), mix.Classes, Math.Max(afterSeconds, 1e-9)), afterSeconds);

        foreach (var (service, line) in services.Lines("Error", "Critical").Take(5)) Console.WriteLine($"  {service}: {line[..Math.Min(line.Length, 400)]}");
        foreach (var failure in samples.Where(s => s.IsError).GroupBy(s => (s.Class, s.Status)).Take(10))
            Console.WriteLine($"  errors: {failure.Key.Class} answered {Outcome(failure.Key.Status)} x {failure.Count()}");
        return new PathResult(path, historyBars, historyTime, barsA, backfillAlone, barsC, backfillLoaded, alone, during, after, Stopwatch.GetElapsedTime(startC, readEnd).TotalSeconds);
    }

    private static async Task<long> CountAsync(BenchDatabase database, string sql, string[] symbols, DateTimeOffset from)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        command.Parameters.AddWithValue(symbols);
        command.Parameters.AddWithValue(from);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static string Outcome(int status) => status switch
    {
        ReadMix.Timeout => "timeout",
        ReadMix.Failed => "no answer",
        _ => status.ToString(CultureInfo.InvariantCulture),
    };

    private static string[] Names(string prefix, int count) => [.. Enumerable.Range(0, count).Select(i => $"{prefix}{i:000}")];

    /// <summary>A line every 5 s while the reads run: requests so far, their rate, errors.</summary>
    private static async Task ReportWhileAsync(Task reading, ReadMix mix, string label, long started)
    {
        while (await Task.WhenAny(reading, Task.Delay(5000)) != reading)
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            Console.WriteLine($"{label}: {elapsed:0} s, {mix.Samples.Count:N0} requests ({mix.Samples.Count / elapsed:0} /s), {mix.Samples.Count(s => s.IsError)} errors");
        }
        await reading;
    }

    /// <summary>
    /// Waits until the work a backfill sets off behind it is done, so the next phase starts on a
    /// quiet platform: no job queued or running (the corporate-actions refresh that follows every
    /// backfill), the feature agent's values built to the last session and no longer growing, and
    /// on TimescaleDB the aggregates current (nothing left in <c>bars_dirty</c>).
    /// </summary>
    private static async Task QuietAsync(BenchDatabase database, StoragePath path, bool features, string[] symbols, DateOnly lastDay, string label)
    {
        var clock = Stopwatch.StartNew();
        var last = -1L;
        var steady = 0;
        var lastSession = NyseCalendar.GetTradingDay(lastDay)!.SessionOpenUtc;
        while (clock.Elapsed < TimeSpan.FromMinutes(10))
        {
            var dirty = path == StoragePath.Timescale ? await database.CountAsync("bars_dirty") : 0;
            var rows = features ? await database.ScalarAsync<long>("SELECT count(*) FROM features") : 0;
            // Every symbol's minutes have features up to the last session (the daily and 5-minute ones follow in the same build).
            var built = !features || await CountAsync(database, "SELECT count(DISTINCT symbol) FROM features WHERE interval = '1m' AND symbol = ANY($1) AND ts >= $2", symbols, lastSession) == symbols.Length;
            // The corporate-actions refresh a backfill queues behind it (from its start to today, daily
            // SIP bars from MarketSim in this process) must not overlap the next phase either.
            var active = await database.ScalarAsync<long>("SELECT count(*) FROM jobs WHERE status IN ('queued', 'running')");
            steady = rows == last && dirty == 0 && built && active == 0 ? steady + 1 : 0;
            last = rows;
            // The feature agent batches for up to 2 s (Features:BatchWait): three still polls a second apart say it is done.
            if (steady >= 3) break;
            await Task.Delay(1000);
        }
        Console.WriteLine($"{label}: platform quiet after {clock.Elapsed.TotalSeconds:0} s{(features ? $" ({last:N0} feature rows)" : string.Empty)}");
    }
}
