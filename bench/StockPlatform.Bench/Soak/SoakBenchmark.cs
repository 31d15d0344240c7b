using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using Npgsql;
using StockPlatform.Bench.Live;
using StockPlatform.Bench.Platform;
using StockPlatform.Bench.Support;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketSim.Data;
using StockPlatform.MarketSim.Options;
using StockPlatform.Storage.Schema;
using StockPlatform.Testing;

namespace StockPlatform.Bench.Soak;

/// <summary>
/// A simulated day of the live platform: MarketSim streaming 50 tracked symbols on an accelerated
/// clock (from 09:30 New York on 2025-03-05, through the close, the night and the next morning),
/// the gateway and the live stream, ingestion and feature agents as processes (Release), an SSE
/// client on <c>GET /events</c> and a light read load. Every service's memory (RSS, PSS), open
/// handles and threads are sampled every few seconds (and PostgreSQL's backends of the run's
/// database, summed); after a warm-up (the first 20 %), each one's least-squares slope says
/// whether it stays flat. The warm-up lasts until the gateway's event buffer is full too: it
/// holds the last 10,000 events, and until then it grows by design.
/// </summary>
/// <remarks>
/// The baseline is each series' own warm level: the drift is the slope times the measured time,
/// as a share of the mean after the warm-up. The bars the agent stored are checked against what
/// MarketSim emitted (its ground truth for the same minutes).
/// </remarks>
internal static class SoakBenchmark
{
    private const string Feed = "iex";

    /// <summary>A Wednesday, 09:30 in New York, as the live benchmark starts.</summary>
    private static readonly DateTimeOffset SessionStart = new(2025, 3, 5, 14, 30, 0, TimeSpan.Zero);

    /// <summary>The share of the run before the slopes are measured: start-up, JIT, pools and caches filling.</summary>
    private const double WarmShare = 0.2;

    /// <summary>
    /// The events the gateway keeps for reconnecting clients (its <c>EventFeed.DefaultCapacity</c>):
    /// memory that grows until the buffer is full, which is no leak. At the default speed it fills
    /// within the first two minutes of the session, before 20 % of the run.
    /// </summary>
    private const int EventBufferCapacity = 10_000;

    /// <summary>The drift a service may show over the measured run, as a share of its warm level.</summary>
    private const double DriftGoal = 0.05;

    private sealed record Sample(double RealSeconds, DateTimeOffset SimTime, string Service, ProcessStats Stats);

    private sealed record Trend(string Service, int Samples, double WarmRss, double WarmPss, double RssPerRealHour, double RssPerSimHour, double RssDrift,
        double PssDrift, double WarmHandles, double HandlesPerHour, double HandlesDrift, double WarmThreads, double ThreadsPerHour, double ThreadsDrift, bool Goal)
    {
        /// <summary>
        /// Handles and threads: growth over the run within max(2, 5 % of the warm level). A leak
        /// grows; a pool trimming its idle threads or connections after the start-up is no fault.
        /// </summary>
        public static bool CountFlat(double drift, double warm) => drift <= Math.Max(2, DriftGoal * warm);
    }

    private sealed record PathResult(
        StoragePath Path, double Speed, double SimHours, TimeSpan Real, TimeSpan Warm, TimeSpan? BufferFull, List<Trend> Trends, long Emitted, long Stored, int Events, int BarEvents, int Gaps,
        int Reads, int ReadErrors, Dictionary<string, int> ErrorLines, string Csv);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Arguments(args);
        var symbols = options.Int("symbols", 50);
        if (symbols is < 1 or > 50) throw new ArgumentException("--symbols must be 1 to 50");
        var simHours = options.Double("sim-hours", 24);
        // 96: a simulated day in 15 real minutes (50 bars a simulated minute = 80 bars/s in the session).
        var speed = options.Double("speed", 96);
        var sampleEvery = TimeSpan.FromSeconds(options.Double("sample-seconds", 5));
        var outFolder = options.Text("out") ?? Path.Combine(Path.GetTempPath(), "stockplatform-bench");
        var messaging = options.Text("messaging") ?? Environment.GetEnvironmentVariable("ConnectionStrings__messaging");
        if (string.IsNullOrWhiteSpace(messaging))
            throw new InvalidOperationException("No RabbitMQ: pass --messaging amqp://user:pass@host:port or set ConnectionStrings__messaging.");
        Directory.CreateDirectory(outFolder);

        var started = Stopwatch.StartNew();
        var results = new List<PathResult>();
        foreach (var path in await BenchDatabase.PathsAsync(options))
            results.Add(await RunPathAsync(options, messaging, path, symbols, simHours, speed, sampleEvery, outFolder));

        Console.WriteLine();
        Console.WriteLine($"{symbols} tracked symbols streamed from {SessionStart:yyyy-MM-dd HH:mm}Z for {simHours:0.##} simulated hours at {speed:0.##}x; slopes after a warm-up (the first {WarmShare:P0} of the run, longer if the gateway's event buffer of {EventBufferCapacity:N0} events was not yet full); "
            + $"drift = slope x measured time / warm mean; goals (growth; shrinking is no fault): memory drift <= {DriftGoal:P0}, handles and threads drift <= max(2, {DriftGoal:P0} of warm)");
        foreach (var r in results)
        {
            Console.WriteLine();
            Console.WriteLine($"{BenchDatabase.Name(r.Path)}: {r.Real.TotalMinutes:0.0} real minutes, warm-up {r.Warm.TotalSeconds:0} s ("
                + (r.BufferFull is { } full ? $"event buffer full at {full.TotalSeconds:0} s" : "event buffer never full: its growth counts in the drift") + ")");
            Console.WriteLine($"  bars stored {r.Stored:N0} / emitted {r.Emitted:N0}; events {r.Events:N0} ({r.BarEvents:N0} bars, {r.Gaps} gaps); "
                + $"reads {r.Reads:N0} ({r.ReadErrors} errors); error lines {string.Join(", ", r.ErrorLines.Select(p => $"{p.Key} {p.Value}"))}; samples in {r.Csv}");
            Console.WriteLine($"  {"service",-10} {"n",4} {"RSS MB",7} {"MB/h",7} {"MB/simh",8} {"drift",7} {"PSS dr",7} {"fds",5} {"fds/h",6} {"thr",5} {"thr/h",6} {"goal",5}");
            foreach (var t in r.Trends)
            {
                Console.WriteLine($"  {t.Service,-10} {t.Samples,4} {t.WarmRss,7:0.0} {t.RssPerRealHour,7:0.0} {t.RssPerSimHour,8:0.00} {t.RssDrift,7:P1} {t.PssDrift,7:P1} "
                    + $"{t.WarmHandles,5:0} {t.HandlesPerHour,6:0.0} {t.WarmThreads,5:0} {t.ThreadsPerHour,6:0.0} {(t.Service == "postgres" ? "-" : t.Goal ? "met" : "MISS"),5}");
            }
        }
        Console.WriteLine($"duration: {started.Elapsed.TotalMinutes:0.0} min");

        var figures = new List<BenchFigure>();
        foreach (var r in results)
        {
            var name = BenchDatabase.Name(r.Path);
            foreach (var t in r.Trends.Where(t => t.Service != "postgres"))
            {
                figures.Add(Figure($"{t.Service} memory drift over the run", name, t.RssPerRealHour * MeasuredHours(r), "MB", $"{t.Service} warm RSS (mean after warm-up)", t.WarmRss, t.RssDrift, $"ratio <= {DriftGoal} (growth)", t.RssDrift <= DriftGoal));
                figures.Add(Figure($"{t.Service} handles drift over the run", name, t.HandlesPerHour * MeasuredHours(r), "fds", $"{t.Service} warm open handles", t.WarmHandles, t.HandlesDrift / Math.Max(t.WarmHandles, 1), $"drift <= max(2, {DriftGoal} x warm) (growth)", Trend.CountFlat(t.HandlesDrift, t.WarmHandles)));
                figures.Add(Figure($"{t.Service} threads drift over the run", name, t.ThreadsPerHour * MeasuredHours(r), "threads", $"{t.Service} warm threads", t.WarmThreads, t.ThreadsDrift / Math.Max(t.WarmThreads, 1), $"drift <= max(2, {DriftGoal} x warm) (growth)", Trend.CountFlat(t.ThreadsDrift, t.WarmThreads)));
            }
            figures.Add(Figure("bars stored vs MarketSim emitted", name, r.Stored, "bars", "bars MarketSim emitted for the same minutes", r.Emitted, r.Emitted == 0 ? double.NaN : r.Stored / (double)r.Emitted, "ratio = 1", r.Stored == r.Emitted));
            figures.Add(Figure("service error lines", name, r.ErrorLines.Values.Sum(), "lines", "none", 0, double.NaN, "0", r.ErrorLines.Values.Sum() == 0));
        }
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            benchmark = "soak",
            symbols,
            speed,
            sim_hours = simHours,
            sample_seconds = sampleEvery.TotalSeconds,
            warm_share = WarmShare,
            duration_seconds = Math.Round(started.Elapsed.TotalSeconds, 1),
            results = results.Select(r => new
            {
                path = BenchDatabase.Name(r.Path),
                real_seconds = Stats.Round(r.Real.TotalSeconds, 1),
                warm_seconds = Stats.Round(r.Warm.TotalSeconds, 1),
                event_buffer_full_seconds = r.BufferFull is { } full ? Stats.Round(full.TotalSeconds, 1) : (double?)null,
                bars_emitted = r.Emitted,
                bars_stored = r.Stored,
                events = r.Events,
                bar_events = r.BarEvents,
                gaps = r.Gaps,
                reads = r.Reads,
                read_errors = r.ReadErrors,
                error_lines = r.ErrorLines,
                samples_csv = r.Csv,
                services = r.Trends.Select(t => new
                {
                    service = t.Service,
                    samples = t.Samples,
                    warm_rss_mb = Stats.Round(t.WarmRss, 1),
                    warm_pss_mb = Stats.Round(t.WarmPss, 1),
                    rss_mb_per_real_hour = Stats.Round(t.RssPerRealHour),
                    rss_mb_per_sim_hour = Stats.Round(t.RssPerSimHour, 3),
                    rss_drift = Stats.Round(t.RssDrift, 4),
                    pss_drift = Stats.Round(t.PssDrift, 4),
                    warm_handles = Stats.Round(t.WarmHandles, 1),
                    handles_per_real_hour = Stats.Round(t.HandlesPerHour),
                    handles_drift = Stats.Round(t.HandlesDrift),
                    warm_threads = Stats.Round(t.WarmThreads, 1),
                    threads_per_real_hour = Stats.Round(t.ThreadsPerHour),
                    threads_drift = Stats.Round(t.ThreadsDrift),
                    met = t.Service == "postgres" ? (bool?)null : t.Goal,
                }),
            }),
            figures,
        }));
        var met = results.All(r => r.Stored == r.Emitted && r.ErrorLines.Values.Sum() == 0 && r.ReadErrors == 0 && r.Gaps == 0
            && r.Trends.Where(t => t.Service != "postgres").All(t => t.Goal));
        return met ? 0 : 1;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static double MeasuredHours(PathResult r) => (r.Real - r.Warm).TotalHours;

    private static BenchFigure Figure(string figure, string path, double value, string unit, string baseline, double baselineValue, double ratio, string goal, bool met) =>
        new(figure, path, Stats.Round(value, 3), unit, baseline, Stats.Round(baselineValue, 3), Stats.Round(ratio, 4), goal, met);

    private static async Task<PathResult> RunPathAsync(
        Arguments options, string messaging, StoragePath path, int symbolCount, double simHours, double speed, TimeSpan sampleEvery, string outFolder)
    {
        var name = BenchDatabase.Name(path);
        var tickers = LiveStreamBenchmark.Tickers;
        var symbols = tickers.Take(symbolCount).ToArray();
        var market = new SyntheticMarket(MarketSimOptions.DefaultSeed, tickers);
        var firstDay = DateOnly.FromDateTime(SessionStart.UtcDateTime);
        var real = TimeSpan.FromHours(simHours / speed);
        var simEnd = SessionStart + TimeSpan.FromHours(simHours);

        await using var database = await BenchDatabase.CreateAsync(options, path: path);
        // The tracked symbols' history up to the start, as a running platform has it.
        await database.Bars.UpsertAsync(
            [.. symbols.SelectMany(s => market.GetMinuteBars(s, Feed, firstDay).Where(b => b.Timestamp < SessionStart).Select(b => new SymbolBar(Symbol.Parse(s), b)))], Feed);

        // MarketSim's port is chosen first: it starts last, its clock at 09:30, once everything listens.
        var simUrl = $"http://127.0.0.1:{LocalServer.FreePort()}";
        await using var services = new BenchServices(database.ConnectionString, messaging, simUrl);
        services.StartGateway(new Dictionary<string, string> { ["Gateway__RequestsPerSecond"] = "100000" });
        await services.Gateway!.WaitHealthyAsync(TimeSpan.FromSeconds(90));
        var http = services.Client!;
        foreach (var symbol in symbols)
        {
            using var response = await http.PutAsync($"/symbols/{symbol}/tracking", null);
            response.EnsureSuccessStatusCode();
        }
        services.StartIngestion();
        services.StartLiveStream(new Dictionary<string, string>
        {
            // MarketSim starts after the agent: it connects within half a second of it.
            ["Alpaca__StreamReconnectDelay"] = "00:00:00.100",
            ["Alpaca__StreamMaxReconnectDelay"] = "00:00:00.400",
        });
        services.StartFeatures();
        await services.WaitHealthyAsync(TimeSpan.FromSeconds(90));

        using var stop = new CancellationTokenSource();
        var events = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var received = 0;
        var bufferFullAt = 0L;
        var sse = await http.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead);
        sse.EnsureSuccessStatusCode();
        var body = await sse.Content.ReadAsStreamAsync();
        var listening = Task.Run(async () =>
        {
            try
            {
                await foreach (var item in SseParser.Create(body).EnumerateAsync(stop.Token))
                {
                    events.AddOrUpdate(item.EventType, 1, (_, n) => n + 1);
                    // The gateway sends every event it buffers: once it has sent as many as it keeps, the buffer is full.
                    if (++received == EventBufferCapacity) Interlocked.Exchange(ref bufferFullAt, Stopwatch.GetTimestamp());
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
            {
                // The run is over.
            }
        });

        await using var sim = await BenchMarketSim.StartAsync(100_000, TimeSpan.FromSeconds(60), url: simUrl, settings: new Dictionary<string, string?>(BenchMarketSim.Liquid(tickers))
        {
            ["MarketSim:Stream:Speed"] = speed.ToString(CultureInfo.InvariantCulture),
            ["MarketSim:Stream:Start"] = SessionStart.ToString("O", CultureInfo.InvariantCulture),
            ["MarketSim:Stream:MaxSymbols"] = "100",
        });
        var begun = Stopwatch.GetTimestamp();
        DateTimeOffset SimNow() => SessionStart + (Stopwatch.GetElapsedTime(begun) * speed);

        // A light read load beside: four clients, a request a second each, over the session's bars.
        using var readClient = new HttpClient { BaseAddress = services.Gateway.Url, Timeout = Timeout.InfiniteTimeSpan };
        var mix = new ReadMix(readClient, symbols, [firstDay], features: true);
        var reading = mix.RunAsync(4, TimeSpan.FromSeconds(1), seed: 7, stop.Token);

        // Sample every service (and PostgreSQL's backends of this database) until the simulated hours have passed.
        var connection = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        var backendPrefix = $"postgres: {connection.Username} {connection.Database} ";
        var samples = new List<Sample>();
        var csvPath = Path.Combine(outFolder, $"soak-{name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv");
        var csv = new StringBuilder("real_seconds,sim_time,service,pid,rss_mib,pss_mib,handles,threads\n");
        var lastLine = TimeSpan.Zero;
        while (true)
        {
            var elapsed = Stopwatch.GetElapsedTime(begun);
            var now = SimNow();
            foreach (var (service, process) in services.Started)
            {
                if (process.HasExited) throw new InvalidOperationException($"{service} exited during the soak:\n{process.Tail()}");
                if (ProcessStats.Read(process.ProcessId) is { } stats) samples.Add(new Sample(elapsed.TotalSeconds, now, service, stats));
            }
            if (ProcessStats.Sum(ProcessStats.WithCommandPrefix(backendPrefix)) is { } backends)
                samples.Add(new Sample(elapsed.TotalSeconds, now, "postgres", backends));
            if (elapsed - lastLine >= TimeSpan.FromSeconds(30) || elapsed >= real)
            {
                lastLine = elapsed;
                var memory = string.Join(", ", samples.Where(s => s.RealSeconds == elapsed.TotalSeconds).Select(s => $"{s.Service} {s.Stats.RssMiB:0} MB/{s.Stats.Handles} fds"));
                Console.WriteLine($"{name} soak: {elapsed.TotalSeconds:0}/{real.TotalSeconds:0} s, simulated {now:MM-dd HH:mm}Z, {events.GetValueOrDefault("bar.new")} bar events, {mix.Samples.Count} reads; {memory}");
            }
            if (elapsed >= real) break;
            // On a fixed cadence, whatever a sample took.
            var next = sampleEvery * (Math.Floor(elapsed / sampleEvery) + 1);
            await Task.Delay(Min(next, real) - Stopwatch.GetElapsedTime(begun) is { } wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
        }
        await stop.CancelAsync();
        await reading;

        // The bars of the minutes that ended before the run did (the last one left for the agent's batch to land).
        var lastMinute = new DateTimeOffset(simEnd.UtcTicks - (simEnd.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero).AddMinutes(-2);
        var emitted = 0L;
        for (var day = firstDay; day <= DateOnly.FromDateTime(lastMinute.UtcDateTime); day = day.AddDays(1))
            emitted += symbols.Sum(s => market.GetMinuteBars(s, Feed, day).LongCount(b => b.Timestamp >= SessionStart && b.Timestamp <= lastMinute));
        var stored = 0L;
        var settle = Stopwatch.StartNew();
        do
        {
            if (stored > 0) await Task.Delay(500);
            await using var count = database.DataSource.CreateCommand("SELECT count(*) FROM bars_1m WHERE symbol = ANY($1) AND ts >= $2 AND ts <= $3");
            count.Parameters.AddWithValue(symbols);
            count.Parameters.AddWithValue(SessionStart);
            count.Parameters.AddWithValue(lastMinute);
            stored = (long)(await count.ExecuteScalarAsync())!;
        }
        while (stored < emitted && settle.Elapsed < TimeSpan.FromSeconds(10));
        sse.Dispose();
        await listening;

        await File.WriteAllTextAsync(csvPath, csv.Append(string.Join('\n', samples.Select(s => string.Create(CultureInfo.InvariantCulture,
            $"{s.RealSeconds:0.###},{s.SimTime:O},{s.Service},{s.Stats.Pid},{s.Stats.RssMiB:0.###},{s.Stats.PssMiB:0.###},{s.Stats.Handles},{s.Stats.Threads}")))).Append('\n').ToString());

        var errorLines = services.Lines("Error", "Critical").ToList();
        foreach (var (service, line) in errorLines.Take(5)) Console.WriteLine($"  {service}: {line[..Math.Min(line.Length, 400)]}");
        var fullAt = Interlocked.Read(ref bufferFullAt);
        TimeSpan? bufferFull = fullAt == 0 ? null : Stopwatch.GetElapsedTime(begun, fullAt);
        var warmEnd = real * WarmShare;
        if (bufferFull > warmEnd) warmEnd = bufferFull.Value;
        var trends = samples.GroupBy(s => s.Service).Select(g => TrendOf(g.Key, [.. g], warmEnd, speed)).ToList();
        return new PathResult(path, speed, simHours, real, warmEnd, bufferFull, trends, emitted, stored, events.Values.Sum(), events.GetValueOrDefault("bar.new") + events.GetValueOrDefault("bar.correction"),
            events.GetValueOrDefault("gap"), mix.Samples.Count, mix.Samples.Count(s => s.IsError),
            services.Started.ToDictionary(s => s.Name, s => errorLines.Count(e => e.Service == s.Name)), csvPath);
    }

    /// <summary>One series' slopes after the warm-up, per real hour (and memory per simulated hour), and its drift over the measured time.</summary>
    private static Trend TrendOf(string service, List<Sample> samples, TimeSpan warmEnd, double speed)
    {
        var warm = samples.Where(s => s.RealSeconds >= warmEnd.TotalSeconds).ToList();
        if (warm.Count < 2) warm = samples;
        var x = warm.Select(s => s.RealSeconds / 3600).ToList();
        var measured = warm[^1].RealSeconds / 3600 - x[0];
        double Slope(Func<ProcessStats, double> y) => Stats.Slope(x, [.. warm.Select(s => y(s.Stats))]);
        double Mean(Func<ProcessStats, double> y) => warm.Average(s => y(s.Stats));
        var rss = Slope(s => s.RssMiB);
        var pss = Slope(s => s.PssMiB);
        var handles = Slope(s => s.Handles);
        var threads = Slope(s => s.Threads);
        var rssDrift = rss * measured / Mean(s => s.RssMiB);
        var handlesDrift = handles * measured;
        var threadsDrift = threads * measured;
        var goal = rssDrift <= DriftGoal && Trend.CountFlat(handlesDrift, Mean(s => s.Handles)) && Trend.CountFlat(threadsDrift, Mean(s => s.Threads));
        return new Trend(service, warm.Count, Mean(s => s.RssMiB), Mean(s => s.PssMiB), rss, rss / speed, rssDrift, pss * measured / Mean(s => s.PssMiB),
            Mean(s => s.Handles), handles, handlesDrift, Mean(s => s.Threads), threads, threadsDrift, goal);
    }
}
