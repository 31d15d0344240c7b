using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using StockPlatform.Bench.Support;
using StockPlatform.Storage.Schema;
using StockPlatform.Testing;

namespace StockPlatform.Bench.Ingest;

/// <summary>
/// The whole backfill path at scale, in the two shapes that bound a backfill's cost: many symbols
/// over a short range (40 symbols x 2 weeks) and a few over a long one (10 symbols x 1 year), each
/// queued as separate <c>POST /ingest/{symbol}</c> calls and as one <c>POST /jobs</c>. The gateway
/// and the ingestion agent run as processes (their Release builds) on PostgreSQL and RabbitMQ,
/// MarketSim in-process counts what it serves. Each case runs unthrottled (its own pace), then
/// under MarketSim's rate limit, on each storage path the server offers.
/// </summary>
/// <remarks>
/// The floor is the rate limit: requests are the cost. Requests are compared with the fewest
/// pages the bars need (ceil(bars / 10,000)); the throttled wall time with the window-exact
/// minimum for the requests made: the run's own time to its first request, then full
/// windows (the first one ends on a whole second, as MarketSim's do), then the last window's
/// requests at the unthrottled pace.
/// </remarks>
internal static class IngestBenchmark
{
    private const string KeyId = BenchMarketSim.KeyId;
    private const string Secret = BenchMarketSim.Secret;
    private const int PageLimit = 10_000;
    private const string ApiKey = "bench-gateway-key";

    private static readonly string[] Tickers =
    [
        "SPY", "QQQ", "AAPL", "MSFT", "NVDA", "AMZN", "TSLA", "META", "GOOGL", "AMD",
        "IWM", "NFLX", "AVGO", "COST", "PEP", "ADBE", "CSCO", "INTC", "ORCL", "CRM",
        "JPM", "BAC", "WFC", "GS", "MS", "V", "MA", "UNH", "JNJ", "PFE",
        "XOM", "CVX", "KO", "MCD", "NKE", "DIS", "WMT", "HD", "LOW", "BA",
    ];

    /// <summary>A backfill shape; a short one runs <paramref name="Runs"/> times and keeps the fastest, as a few seconds vary from run to run.</summary>
    private sealed record Shape(string Name, int Symbols, DateOnly Start, DateOnly End, int Runs);

    private static readonly Shape[] Shapes =
    [
        new("40 x 2 weeks", 40, new(2024, 3, 4), new(2024, 3, 15), Runs: 3),
        new("10 x 1 year", 10, new(2024, 1, 1), new(2024, 12, 31), Runs: 1),
    ];

    private enum Mode
    {
        /// <summary>One <c>POST /ingest/{symbol}</c> per symbol, one after another.</summary>
        Separate,

        /// <summary>One <c>POST /jobs</c> naming every symbol.</summary>
        OneJob,
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Arguments(args);
        var limit = options.Int("limit", 60);
        var window = TimeSpan.FromSeconds(options.Double("window-seconds", 60));
        var messaging = options.Text("messaging") ?? Environment.GetEnvironmentVariable("ConnectionStrings__messaging");
        if (string.IsNullOrWhiteSpace(messaging))
            throw new InvalidOperationException("No RabbitMQ: pass --messaging amqp://user:pass@host:port or set ConnectionStrings__messaging.");
        var shapes = options.Text("shape") switch
        {
            null or "all" => Shapes,
            "weeks" => [Shapes[0]],
            "year" => [Shapes[1]],
            var other => throw new ArgumentException($"--shape must be weeks, year or all, not '{other}'"),
        };

        var paths = await BenchDatabase.PathsAsync(options);
        var results = new List<Result>();
        foreach (var path in paths)
        {
            foreach (var shape in shapes)
            {
                foreach (var mode in Enum.GetValues<Mode>())
                {
                    var label = $"{BenchDatabase.Name(path)}, {shape.Name}, {(mode == Mode.OneJob ? "one job" : "separate")}";
                    var unthrottled = await FastestAsync(shape.Runs, () => RunOnceAsync(options, messaging, shape, mode, int.MaxValue, window, $"{label}, unthrottled", path));
                    var throttled = await FastestAsync(shape.Runs, () => RunOnceAsync(options, messaging, shape, mode, limit, window, $"{label}, {limit}/{window.TotalSeconds:0}s", path));
                    results.Add(Result.From(path, shape, mode, unthrottled, throttled, limit, window));
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine($"rate limit: {limit} requests per {window.TotalSeconds:0} s (Alpaca's free plan allows 200 per 60 s; a lower limit makes it bind on the year)");
        Console.WriteLine($"{"path",-12} {"shape",-13} {"queued as",-10} {"bars",10} {"min pages",9} {"bar reqs",8} {"ratio",6} {"+cal",5} {"429",4} {"wall s",7} {"exact s",7} {"ratio",6} {"unthr s",7} {"db busy",7}");
        foreach (var r in results)
        {
            Console.WriteLine($"{BenchDatabase.Name(r.Path),-12} {r.Shape.Name,-13} {(r.Mode == Mode.OneJob ? "one job" : "separate"),-10} {r.Bars,10:N0} {r.MinimumPages,9} {r.BarRequests,8} {r.PagesRatio,6:0.000} {r.CalendarRequests,5} {r.TooMany,4} "
                + $"{r.Wall.TotalSeconds,7:0.0} {r.ExactMinimum.TotalSeconds,7:0.0} {r.WallRatio,6:0.000} {r.Unthrottled.TotalSeconds,7:0.0} {r.PersistShare,7:P0}");
        }
        var pathRatios = results.Where(r => r.Path == StoragePath.Timescale)
            .Select(t => (t, plain: results.FirstOrDefault(p => p.Path == StoragePath.Plain && p.Shape == t.Shape && p.Mode == t.Mode)))
            .Where(pair => pair.plain is not null)
            .Select(pair => (pair.t.Shape.Name, pair.t.Mode, Ratio: pair.t.Unthrottled / pair.plain!.Unthrottled))
            .ToList();
        foreach (var (shape, mode, ratio) in pathRatios)
            Console.WriteLine($"unthrottled timescaledb / plain, {shape}, {(mode == Mode.OneJob ? "one job" : "separate")}: {ratio:0.000}");
        foreach (var r in results.Where(r => r.AggregatesCurrentAfter is not null))
            Console.WriteLine($"timescaledb, {r.Shape.Name}, {(r.Mode == Mode.OneJob ? "one job" : "separate")}: aggregates current {r.AggregatesCurrentAfter!.Value.TotalSeconds:0.0} s after the last job");
        Console.WriteLine("goals: bar requests <= 1.05 x min pages; wall time <= 1.05 x the window-exact minimum; no 429; no database operation retried to its limit");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            benchmark = "ingest",
            limit,
            window_seconds = window.TotalSeconds,
            results = results.Select(r => new
            {
                path = BenchDatabase.Name(r.Path),
                shape = r.Shape.Name,
                queued_as = r.Mode == Mode.OneJob ? "one job" : "separate",
                bars = r.Bars,
                minimum_pages = r.MinimumPages,
                bar_requests = r.BarRequests,
                calendar_requests = r.CalendarRequests,
                requests_to_minimum = Math.Round(r.PagesRatio, 4),
                status_429 = r.TooMany,
                seconds = Math.Round(r.Wall.TotalSeconds, 2),
                window_exact_minimum_seconds = Math.Round(r.ExactMinimum.TotalSeconds, 2),
                wall_to_minimum = Math.Round(r.WallRatio, 4),
                unthrottled_seconds = Math.Round(r.Unthrottled.TotalSeconds, 2),
                database_retries = r.DatabaseRetries,
                aggregates_current_after_seconds = r.AggregatesCurrentAfter is { } lag ? Math.Round(lag.TotalSeconds, 2) : (double?)null,
            }),
            timescale_to_plain = pathRatios.Select(p => new { shape = p.Name, queued_as = p.Mode == Mode.OneJob ? "one job" : "separate", ratio = Math.Round(p.Ratio, 4) }),
            figures = results.SelectMany(Figures),
        }));
        var met = results.All(r => r.PagesRatio <= 1.05 && r.WallRatio <= 1.05 && r.TooMany == 0 && r.RetriesAtLimit == 0);
        return met ? 0 : 1;
    }

    // The README's goals, one figure each, per path, shape and way of queueing.
    private static IEnumerable<BenchFigure> Figures(Result r)
    {
        var path = BenchDatabase.Name(r.Path);
        var label = $"{r.Shape.Name}, {(r.Mode == Mode.OneJob ? "one job" : "separate")}";
        yield return BenchFigure.AtMost($"{label}: bar requests", path, r.BarRequests, "requests", "the fewest pages, ceil(bars / 10,000)", r.MinimumPages, 1.05);
        yield return BenchFigure.AtMost($"{label}: wall time, throttled", path, r.Wall.TotalSeconds, "s", "the window-exact minimum for the requests made", r.ExactMinimum.TotalSeconds, 1.05);
        yield return BenchFigure.Checked($"{label}: 429 responses", path, r.TooMany, "responses", null, null, "= 0", r.TooMany == 0);
        yield return BenchFigure.Checked($"{label}: database operations retried to their limit", path, r.RetriesAtLimit, "operations", null, null, "= 0", r.RetriesAtLimit == 0);
    }

    private sealed record Result(
        StoragePath Path, Shape Shape, Mode Mode, long Bars, int MinimumPages, int BarRequests, int CalendarRequests, int TooMany,
        TimeSpan Wall, TimeSpan ExactMinimum, TimeSpan Unthrottled, double PersistShare, int DatabaseRetries, int RetriesAtLimit, TimeSpan? AggregatesCurrentAfter)
    {
        public double PagesRatio => BarRequests / (double)MinimumPages;

        public double WallRatio => Wall / ExactMinimum;

        public static Result From(StoragePath path, Shape shape, Mode mode, Run unthrottled, Run throttled, int limit, TimeSpan window)
        {
            // The window-exact minimum for the throttled run's requests: its own time to the first
            // request (POSTs and batching, which the limit does not touch), full windows (the first ends on the whole second after its first request plus
            // the window, the rest follow at once), then the last window's requests at the pace the
            // unthrottled run kept.
            var requests = throttled.BarRequests + throttled.CalendarRequests;
            var fullWindows = (requests - 1) / limit;
            var lastBatch = requests - (fullWindows * limit);
            var pace = (unthrottled.Elapsed - unthrottled.ToFirstRequest) / (unthrottled.BarRequests + unthrottled.CalendarRequests);
            var windows = TimeSpan.Zero;
            if (fullWindows > 0)
            {
                var firstEnd = CeilingToSecond(throttled.FirstRequestUtc + window);
                windows = (firstEnd - throttled.FirstRequestUtc) + (window * (fullWindows - 1));
            }
            var exact = throttled.ToFirstRequest + windows + (pace * lastBatch);
            var minimumPages = (int)Math.Ceiling(throttled.BarsInserted / (double)PageLimit);
            return new Result(path, shape, mode, throttled.BarsInserted, minimumPages, throttled.BarRequests, throttled.CalendarRequests,
                throttled.TooMany + unthrottled.TooMany, throttled.Elapsed, exact, unthrottled.Elapsed,
                throttled.PersistMs / throttled.Elapsed.TotalMilliseconds, throttled.DatabaseRetries + unthrottled.DatabaseRetries,
                throttled.RetriesAtLimit + unthrottled.RetriesAtLimit, unthrottled.AggregatesCurrentAfter);
        }

        private static DateTimeOffset CeilingToSecond(DateTimeOffset instant) =>
            new(instant.UtcTicks + ((TimeSpan.TicksPerSecond - (instant.UtcTicks % TimeSpan.TicksPerSecond)) % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }

    private sealed record Run(
        TimeSpan Elapsed, TimeSpan ToFirstRequest, DateTimeOffset FirstRequestUtc, long BarsInserted, int BarRequests, int CalendarRequests, int TooMany,
        double PersistMs, int DatabaseRetries, int RetriesAtLimit, TimeSpan? AggregatesCurrentAfter);

    private static async Task<Run> RunOnceAsync(Arguments options, string messaging, Shape shape, Mode mode, int limit, TimeSpan window, string label, StoragePath path)
    {
        var counter = new RequestCounter();
        await using var sim = await BenchMarketSim.StartAsync(limit, window, counter);
        await using var database = await BenchDatabase.CreateAsync(options, path: path);
        var prefix = "bench" + Guid.NewGuid().ToString("N")[..8];
        var shared = new Dictionary<string, string>
        {
            ["ConnectionStrings__stockplatform"] = database.ConnectionString,
            ["ConnectionStrings__messaging"] = messaging,
            ["Messaging__Namespace"] = prefix,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        await using var agent = ServiceProcess.Start(Path.Combine("Services", "StockPlatform.Ingestion"), "StockPlatform.Ingestion", new Dictionary<string, string>(shared)
        {
            ["Messaging__EndpointPrefix"] = prefix,
            ["ALPACA_KEY_ID"] = KeyId,
            ["ALPACA_SECRET_KEY"] = Secret,
            ["ALPACA_DATA_URL"] = sim.Urls.Single(),
            ["ALPACA_TRADING_URL"] = sim.Urls.Single(),
            ["Ingestion__MaxConcurrentFetches"] = options.Int("concurrency", 4).ToString(CultureInfo.InvariantCulture),
            // The per-page timings the database share is made of.
            ["Logging__LogLevel__StockPlatform"] = "Information",
        });
        await using var gateway = ServiceProcess.Start("Gateway", "StockPlatform.Gateway", new Dictionary<string, string>(shared)
        {
            ["Messaging__EndpointPrefix"] = prefix + "gw",
            ["Ingest__WindowDays"] = options.Int("window-days", 91).ToString(CultureInfo.InvariantCulture),
            ["GATEWAY_API_KEY"] = ApiKey,
            // The benchmark polls every job ten times a second (40 of them in the separate runs):
            // the per-client rate limit would answer 429 to the poller, not throttle Alpaca.
            ["Gateway__RequestsPerSecond"] = "100000",
        });
        await Task.WhenAll(agent.WaitHealthyAsync(TimeSpan.FromSeconds(60)), gateway.WaitHealthyAsync(TimeSpan.FromSeconds(60)));

        using var http = new HttpClient { BaseAddress = gateway.Url };
        http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        var symbols = Tickers.Take(shape.Symbols).ToArray();
        var range = $"start={shape.Start:yyyy-MM-dd}&end={shape.End:yyyy-MM-dd}&feed=iex";
        var started = Stopwatch.GetTimestamp();
        var jobs = new List<Guid>();
        if (mode == Mode.OneJob)
        {
            jobs.Add(await JobIdAsync(await http.PostAsJsonAsync("/jobs", new { symbols, start = $"{shape.Start:yyyy-MM-dd}", end = $"{shape.End:yyyy-MM-dd}", feed = "iex" })));
        }
        else
        {
            foreach (var symbol in symbols) jobs.Add(await JobIdAsync(await http.PostAsync($"/ingest/{symbol}?{range}", null)));
        }

        var progress = new ConsoleProgress(label);
        List<JsonElement> states;
        while (true)
        {
            states = [];
            foreach (var id in jobs)
            {
                using var json = JsonDocument.Parse(await http.GetStringAsync($"/jobs/{id}"));
                states.Add(json.RootElement.Clone());
            }
            var failed = states.FirstOrDefault(job => job.GetProperty("status").GetString() == "failed");
            if (failed.ValueKind != JsonValueKind.Undefined)
                throw new InvalidOperationException($"job failed: {failed}\n{agent.Tail(20)}");
            var done = states.Sum(job => job.GetProperty("progress").GetProperty("sessions_done").GetInt32());
            var total = states.Sum(job => job.GetProperty("progress").GetProperty("sessions_total").GetInt32());
            var bars = states.Sum(job => job.GetProperty("progress").GetProperty("bars_inserted").GetInt64());
            var finished = states.All(job => job.GetProperty("status").GetString() == "succeeded");
            progress.Report(done, total, bars, counter.Count(status: 429), Stopwatch.GetElapsedTime(started), finished);
            if (finished) break;
            await Task.Delay(100);
        }
        var elapsed = Stopwatch.GetElapsedTime(started);

        // TimescaleDB: the refresher (in the agent and the gateway) brings the aggregates up to
        // the minutes once writes pause; how long after the last job that takes.
        TimeSpan? current = null;
        if (path == StoragePath.Timescale)
        {
            var lag = Stopwatch.StartNew();
            while (await database.CountAsync("bars_dirty") > 0 && lag.Elapsed < TimeSpan.FromMinutes(10)) await Task.Delay(200);
            current = lag.Elapsed;
        }

        // A database operation retried up to its last attempt (Storage:MaxAttempts, 6) came close to failing a window.
        var retryLines = agent.Output.Where(line => line.Contains("Database operation failed", StringComparison.Ordinal)).ToList();
        foreach (var line in retryLines.Take(3)) Console.WriteLine($"  database retry: {line[..Math.Min(line.Length, 400)]}");
        var retries = retryLines.Count;
        var atLimit = agent.Output.Count(line => line.Contains("Database operation failed (attempt 5)", StringComparison.Ordinal));
        return new Run(
            elapsed,
            Stopwatch.GetElapsedTime(started, counter.FirstAt),
            counter.FirstUtc,
            states.Sum(job => job.GetProperty("progress").GetProperty("bars_inserted").GetInt64()),
            counter.Count("bars") - counter.Count("bars", 429),
            counter.Count("calendar") - counter.Count("calendar", 429),
            counter.Count(status: 429),
            PersistMs(agent.Output),
            retries,
            atLimit,
            current);
    }

    private static async Task<Run> FastestAsync(int runs, Func<Task<Run>> run)
    {
        var fastest = await run();
        for (var i = 1; i < runs; i++)
        {
            var next = await run();
            if (next.Elapsed < fastest.Elapsed) fastest = next;
        }
        return fastest;
    }

    private static async Task<Guid> JobIdAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {body}");
            using var json = JsonDocument.Parse(body);
            return json.RootElement.GetProperty("job_id").GetGuid();
        }
    }

    /// <summary>The agent's time in upserts, summed from its JSON log lines (concurrent fetches overlap, so it can exceed the wall time).</summary>
    private static double PersistMs(IEnumerable<string> lines)
    {
        double persist = 0;
        foreach (var line in lines)
        {
            if (!line.StartsWith('{')) continue;
            using var json = JsonDocument.Parse(line);
            if (!json.RootElement.TryGetProperty("props", out var props) || !props.TryGetProperty("ElapsedMs", out var elapsed)) continue;
            if ((json.RootElement.GetProperty("category").GetString() ?? string.Empty).EndsWith("BatchBackfiller", StringComparison.Ordinal)) persist += elapsed.GetDouble();
        }
        return persist;
    }
}
