using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using StockPlatform.Bench.Support;
using StockPlatform.Storage.Schema;
using StockPlatform.Testing;

namespace StockPlatform.Bench.Ingest;

/// <summary>
/// The whole backfill path at scale: the gateway and the ingestion agent as real processes on
/// PostgreSQL and RabbitMQ, MarketSim in-process. Backfills one year of 1-minute bars for several
/// symbols at once, first with the rate limit off (what the pipeline itself costs), then at
/// MarketSim's default 200 requests per minute, and compares the throttled wall time with the
/// rate-limit minimum for the requests it needed (N / L minutes).
/// </summary>
internal static class IngestBenchmark
{
    private const string KeyId = BenchMarketSim.KeyId;
    private const string Secret = BenchMarketSim.Secret;
    private const int PageLimit = 10_000;
    private static readonly string[] Tickers = ["SPY", "QQQ", "AAPL", "MSFT", "NVDA", "AMZN", "TSLA", "META", "GOOGL", "AMD", "IWM", "NFLX"];

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Arguments(args);
        var symbols = Tickers.Take(Math.Clamp(options.Int("symbols", 10), 1, Tickers.Length)).ToArray();
        var year = options.Int("year", 2024);
        var limit = options.Int("limit", 200);
        var window = TimeSpan.FromSeconds(options.Double("window-seconds", 60));
        var messaging = options.Text("messaging") ?? Environment.GetEnvironmentVariable("ConnectionStrings__messaging");
        if (string.IsNullOrWhiteSpace(messaging))
            throw new InvalidOperationException("No RabbitMQ: pass --messaging amqp://user:pass@host:port or set ConnectionStrings__messaging.");

        Console.WriteLine($"backfilling {symbols.Length} symbols x {year} ({string.Join(' ', symbols)})");
        // Unthrottled on every storage path the server offers, side by side; then at the rate
        // limit on the path users run (TimescaleDB where offered).
        var paths = await BenchDatabase.PathsAsync(options);
        var unthrottled = new Dictionary<StoragePath, Run>();
        foreach (var path in paths)
            unthrottled[path] = await RunOnceAsync(options, messaging, symbols, year, int.MaxValue, window, $"unthrottled, {BenchDatabase.Name(path)}", path);
        var baseline = unthrottled[paths[^1]];
        var throttled = await RunOnceAsync(options, messaging, symbols, year, limit, window, $"{limit} per {window.TotalSeconds:0} s", paths[^1]);

        var requests = throttled.BarRequests + throttled.CalendarRequests;
        var minimum = window * (requests / (double)limit);
        var ratio = throttled.Elapsed / minimum;
        var workers = throttled.Concurrency * throttled.Elapsed.TotalMilliseconds;
        Console.WriteLine();
        Console.WriteLine($"symbols x sessions        {symbols.Length} x {throttled.Sessions / symbols.Length} = {throttled.Sessions:N0} sessions");
        Console.WriteLine($"bars inserted             {throttled.BarsInserted:N0}");
        Console.WriteLine($"requests (N)              {requests} ({throttled.BarRequests} bar pages, {throttled.CalendarRequests} calendar); one range per symbol would need {throttled.MinimumBarPages} pages");
        Console.WriteLine($"limit (L)                 {limit} per {window.TotalSeconds:0} s");
        foreach (var (path, run) in unthrottled)
        {
            Console.WriteLine($"unthrottled, {BenchDatabase.Name(path),-12} {run.Elapsed.TotalSeconds:0.0} s ({run.BarsInserted / run.Elapsed.TotalSeconds:N0} bars/s, {run.DatabaseRetries} database retries"
                + (run.AggregatesCurrentAfter is { } lag ? $", aggregates current {lag.TotalSeconds:0.0} s after the last job)" : ")"));
        }
        var pathRatio = unthrottled.Count == 2 ? unthrottled[StoragePath.Timescale].Elapsed / unthrottled[StoragePath.Plain].Elapsed : (double?)null;
        if (pathRatio is { } r) Console.WriteLine($"timescaledb / plain       {r:0.000} (goal <= 1.2)");
        Console.WriteLine($"throttled                 {throttled.Elapsed.TotalSeconds:0.0} s, {throttled.TooMany} x 429");
        Console.WriteLine($"rate-limit minimum (N/L)  {minimum.TotalSeconds:0.0} s");
        Console.WriteLine($"ratio to minimum          {ratio:0.000} (goal <= 1.10)");
        Console.WriteLine($"where the time goes       of {throttled.Concurrency} window workers x wall time: waiting for rate budget {throttled.ThrottleMs / workers:P0}, "
            + $"Alpaca requests {throttled.HttpMs / workers:P0}, database upserts {throttled.PersistMs / workers:P0}");
        Console.WriteLine($"database                  {throttled.PersistMs / 1000:0.0} s of upserts in {throttled.Elapsed.TotalSeconds:0.0} s "
            + $"({throttled.BarsInserted / Math.Max(throttled.PersistMs / 1000, 0.001):N0} bars/s while busy)");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            benchmark = "ingest",
            symbols = symbols.Length,
            year,
            limit,
            window_seconds = window.TotalSeconds,
            bars_inserted = throttled.BarsInserted,
            requests,
            bar_pages = throttled.BarRequests,
            calendar_requests = throttled.CalendarRequests,
            minimum_bar_pages = throttled.MinimumBarPages,
            seconds = Math.Round(throttled.Elapsed.TotalSeconds, 2),
            minimum_seconds = Math.Round(minimum.TotalSeconds, 2),
            ratio_to_minimum = Math.Round(ratio, 4),
            status_429 = throttled.TooMany,
            unthrottled_seconds = Math.Round(baseline.Elapsed.TotalSeconds, 2),
            unthrottled_by_path = unthrottled.ToDictionary(pair => BenchDatabase.Name(pair.Key), pair => new
            {
                seconds = Math.Round(pair.Value.Elapsed.TotalSeconds, 2),
                database_retries = pair.Value.DatabaseRetries,
                aggregates_current_after_seconds = pair.Value.AggregatesCurrentAfter is { } lag ? Math.Round(lag.TotalSeconds, 2) : (double?)null,
            }),
            timescale_to_plain = pathRatio is { } pr ? Math.Round(pr, 4) : (double?)null,
            database_retries = throttled.DatabaseRetries,
            throttle_wait_share = Math.Round(throttled.ThrottleMs / workers, 4),
            http_share = Math.Round(throttled.HttpMs / workers, 4),
            database_share = Math.Round(throttled.PersistMs / workers, 4),
        }));
        var retriesAtLimit = unthrottled.Values.Append(throttled).Sum(run => run.RetriesAtLimit);
        return ratio <= 1.10 && throttled.TooMany <= 5 && (pathRatio ?? 0) <= 1.2 && retriesAtLimit == 0 ? 0 : 1;
    }

    private sealed record Run(
        TimeSpan Elapsed, long BarsInserted, int Sessions, int BarRequests, int CalendarRequests, int TooMany,
        int MinimumBarPages, int Concurrency, double ThrottleMs, double HttpMs, double PersistMs,
        int DatabaseRetries, int RetriesAtLimit, TimeSpan? AggregatesCurrentAfter);

    private static async Task<Run> RunOnceAsync(Arguments options, string messaging, string[] symbols, int year, int limit, TimeSpan window, string label, StoragePath path)
    {
        var counter = new RequestCounter();
        await using var sim = await BenchMarketSim.StartAsync(limit, window, counter);
        await using var database = await BenchDatabase.CreateAsync(options, path: path);
        var concurrency = options.Int("concurrency", 4);
        var prefix = "bench" + Guid.NewGuid().ToString("N")[..8];
        var shared = new Dictionary<string, string>
        {
            ["ConnectionStrings__stockplatform"] = database.ConnectionString,
            ["ConnectionStrings__messaging"] = messaging,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        await using var agent = ServiceProcess.Start(Path.Combine("Services", "StockPlatform.Ingestion"), "StockPlatform.Ingestion", new Dictionary<string, string>(shared)
        {
            ["Messaging__EndpointPrefix"] = prefix,
            ["ALPACA_KEY_ID"] = KeyId,
            ["ALPACA_SECRET_KEY"] = Secret,
            ["ALPACA_DATA_URL"] = sim.Urls.Single(),
            ["ALPACA_TRADING_URL"] = sim.Urls.Single(),
            ["Ingestion__MaxConcurrentWindows"] = concurrency.ToString(CultureInfo.InvariantCulture),
            // The per-call and per-page timings the breakdown is made of.
            ["Logging__LogLevel__StockPlatform"] = "Information",
        });
        await using var gateway = ServiceProcess.Start("Gateway", "StockPlatform.Gateway", new Dictionary<string, string>(shared)
        {
            ["Messaging__EndpointPrefix"] = prefix + "gw",
            ["Ingest__WindowDays"] = options.Int("window-days", 91).ToString(CultureInfo.InvariantCulture),
        });
        await Task.WhenAll(agent.WaitHealthyAsync(TimeSpan.FromSeconds(60)), gateway.WaitHealthyAsync(TimeSpan.FromSeconds(60)));

        using var http = new HttpClient { BaseAddress = gateway.Url };
        var watch = Stopwatch.StartNew();
        var jobs = new List<Guid>();
        foreach (var symbol in symbols)
        {
            using var response = await http.PostAsync($"/ingest/{symbol}?start={year}-01-01&end={year}-12-31&feed=iex", null);
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST /ingest/{symbol} answered {(int)response.StatusCode}: {body}");
            using var json = JsonDocument.Parse(body);
            jobs.Add(json.RootElement.GetProperty("job_id").GetGuid());
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
            progress.Report(done, total, bars, counter.Count(status: 429), watch.Elapsed, finished);
            if (finished) break;
            await Task.Delay(500);
        }
        watch.Stop();

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
        var retries = retryLines.Count;
        foreach (var line in retryLines.Take(5)) Console.WriteLine($"  database retry: {line[..Math.Min(line.Length, 300)]}");
        var atLimit = agent.Output.Count(line => line.Contains("Database operation failed (attempt 5)", StringComparison.Ordinal));
        var breakdown = Breakdown.From(agent.Output);
        return new Run(
            watch.Elapsed,
            states.Sum(job => job.GetProperty("progress").GetProperty("bars_inserted").GetInt64()),
            states.Sum(job => job.GetProperty("progress").GetProperty("sessions_total").GetInt32()),
            counter.Count("bars"),
            counter.Count("calendar"),
            counter.Count(status: 429),
            states.Sum(job => (int)Math.Ceiling(job.GetProperty("progress").GetProperty("bars_inserted").GetInt64() / (double)PageLimit)),
            concurrency,
            breakdown.ThrottleMs,
            breakdown.HttpMs,
            breakdown.PersistMs,
            retries,
            atLimit,
            current);
    }


    /// <summary>Sums the agent's own timings from its JSON log lines.</summary>
    private sealed record Breakdown(double ThrottleMs, double HttpMs, double PersistMs)
    {
        public static Breakdown From(IEnumerable<string> lines)
        {
            double throttle = 0, call = 0, persist = 0;
            foreach (var line in lines)
            {
                if (!line.StartsWith('{')) continue;
                using var json = JsonDocument.Parse(line);
                if (!json.RootElement.TryGetProperty("props", out var props)) continue;
                if (props.TryGetProperty("WaitedMs", out var waited)) throttle += waited.GetDouble();
                else if (props.TryGetProperty("ElapsedMs", out var elapsed))
                {
                    var category = json.RootElement.GetProperty("category").GetString() ?? string.Empty;
                    if (category.EndsWith("AlpacaRestClient", StringComparison.Ordinal)) call += elapsed.GetDouble();
                    else if (category.EndsWith("WindowBackfiller", StringComparison.Ordinal)) persist += elapsed.GetDouble();
                }
            }
            return new Breakdown(throttle, call, persist);
        }
    }
}
