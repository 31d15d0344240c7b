using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using StockPlatform.Bench.Storage;
using StockPlatform.Bench.Support;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Schema;
using StockPlatform.Testing;

namespace StockPlatform.Bench.Gateway;

/// <summary>
/// <c>GET /bars/{symbol}</c> through the gateway as a process (its Release build) over loopback:
/// one day of 1-minute bars, a year of 5-minute and a year of daily bars, as JSON (following page
/// tokens) and as CSV (one streamed response), at 1, 8 and 32 concurrent clients. Each read is
/// compared with the same rows read through Npgsql in this process, in the same run, interleaved
/// with it: the store's SQL for the range, unpaged (on TimescaleDB, the 5-minute year straight
/// from its aggregate, and the daily year through the store in-process). The store's own time in
/// this process is shown beside them, so what HTTP and the format add is visible. Also the
/// gateway's peak working set while it streams a year of 1-minute bars as CSV. Goal: p50 within
/// 1.3x of the raw query. Beside them, <c>GET /version</c> (no database read) times what any
/// request through the gateway costs over loopback: the floor under every small read's ratio.
/// And the same rows as CSV lines written by PostgreSQL itself: the peer of a CSV answer, which
/// turns every value into text as the gateway must; and the answer floor: the raw read, then its
/// JSON or CSV written in this process (<see cref="InProcessAnswer"/>), plus the HTTP floor: the
/// least any HTTP API could answer in. Where that floor is over 1.3x the raw read, so is the goal.
/// Where the JSON answer takes several pages (a year of 5m: five of 10,000 bars, a request each)
/// and the SQL reads rows in index order (TimescaleDB's 5-minute aggregate), the paging floor: the
/// same SQL read page after page through Npgsql, with no HTTP and no plan.
/// <c>--cases 1m,5m</c> runs only those intervals.
/// </summary>
internal static class GatewayReadBenchmark
{
    private const double Goal = 1.3;
    private const string ApiKey = "bench-gateway-key";
    private static readonly Symbol Symbol = Symbol.Parse("SPY");
    private static readonly int[] Concurrency = [1, 8, 32];

    private sealed record Case(string Name, BarInterval Interval, DateOnly From, DateOnly To);

    private static readonly Case[] Cases =
    [
        new("1 day of 1m", BarInterval.OneMinute, new(2024, 6, 3), new(2024, 6, 3)),
        new("1 year of 5m", BarInterval.FiveMinutes, new(2024, 1, 1), new(2024, 12, 31)),
        new("1 year of 1d", BarInterval.OneDay, new(2024, 1, 1), new(2024, 12, 31)),
    ];

    private sealed record Result(string Path, string Case, string Format, int Clients, int Bars, double P50, double P99, double BaseP50, double BaseP99, double StoreP50, double FloorP50, double? TextP50, double AnswerFloorP50, double? PagedP50, double BarsPerSecond)
    {
        public double Ratio50 => P50 / BaseP50;

        public double Ratio99 => P99 / BaseP99;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Arguments(args);
        var reads = options.Int("reads", 64);
        var results = new List<Result>();
        var peaks = new List<(string Path, double Mb, int Bars, double Seconds)>();
        foreach (var path in await BenchDatabase.PathsAsync(options))
        {
            var name = BenchDatabase.Name(path);
            await using var db = await BenchDatabase.CreateAsync(options, path: path);
            var minutes = MinuteBars.Generate([Symbol], options.Int("rows", 245_000), new DateOnly(2024, 1, 2));
            for (var offset = 0; offset < minutes.Length; offset += 50_000)
                await db.Bars.UpsertAsync(new ArraySegment<SymbolBar>(minutes, offset, Math.Min(50_000, minutes.Length - offset)), "iex");
            await db.Refresher.RefreshAsync(force: true);
            await db.ExecuteAsync("ANALYZE");
            Console.WriteLine($"[{name}] {minutes.Length:N0} minutes stored ({minutes[0].Bar.Timestamp:yyyy-MM-dd} to {minutes[^1].Bar.Timestamp:yyyy-MM-dd})");

            await using var gateway = ServiceProcess.Start("Gateway", "StockPlatform.Gateway", new Dictionary<string, string>
            {
                ["ConnectionStrings__stockplatform"] = db.ConnectionString,
                ["ConnectionStrings__messaging"] = options.Text("messaging") ?? Environment.GetEnvironmentVariable("ConnectionStrings__messaging") ?? "amqp://guest:guest@127.0.0.1:5672",
                ["Messaging__EndpointPrefix"] = "benchread" + Guid.NewGuid().ToString("N")[..8],
                ["GATEWAY_API_KEY"] = ApiKey,
                ["Gateway__RequestsPerSecond"] = "100000",
                ["Logging__LogLevel__Default"] = "Warning",
            });
            await gateway.WaitHealthyAsync(TimeSpan.FromSeconds(60));
            await using var direct = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(db.ConnectionString) { Options = "-c jit=off", MaxPoolSize = 64 }.ConnectionString);
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = gateway.Url, Timeout = TimeSpan.FromMinutes(5) };

            // --cases 1m,5m picks reads by interval.
            var picked = options.Text("cases")?.Split(',') is { } only ? Cases.Where(c => only.Contains(c.Interval.ToString())) : Cases;
            foreach (var readCase in picked)
            {
                var query = new BarQuery(Symbol, readCase.Interval)
                {
                    Start = NewYorkTime.StartOfDay(readCase.From),
                    End = NewYorkTime.StartOfDay(readCase.To.AddDays(1)),
                    Limit = BarStore.MaxLimit,
                };
                var fromAggregate = path == StoragePath.Timescale && readCase.Interval == BarInterval.FiveMinutes;
                var sql = fromAggregate ? ReadBenchmark.FromAggregate(readCase.Name, query) : ReadBenchmark.Case(readCase.Name, query);
                var range = $"/bars/SPY?interval={readCase.Interval}&start={readCase.From:yyyy-MM-dd}&end={readCase.To:yyyy-MM-dd}";
                var url = range + "&limit=10000"; // JSON pages at the largest page; CSV holds the whole range
                var csvUrl = range + "&format=csv";
                // TimescaleDB composes daily bars from its aggregates with parameters of its own (the
                // stale hours); the plain path's SQL over the minutes would be no peer there (seconds a
                // read without a time index), so the baseline is the store itself, in this process.
                var storeIsPeer = path == StoragePath.Timescale && readCase.Interval.IsDaily;
                Func<Task<IReadOnlyList<StoredBar>>> rawRows = storeIsPeer
                    ? async () => (await db.Bars.GetBarsAsync(query)).Bars
                    : async () => await ReadBenchmark.SqlPageAsync(direct, sql, query.Start!.Value, query.End!.Value, int.MaxValue);
                var expected = await rawRows();
                // Same bars both ways before anything is timed.
                var (jsonBars, _) = await ReadJsonAsync(http, url, parse: true);
                var csvBars = await ReadCsvAsync(http, csvUrl);
                // The paging floor where the JSON answer takes more than one page and the SQL reads
                // rows in index order, as the store's pages do (minutes, the aggregate's buckets);
                // over minutes composed into 5m the raw SQL would compose the rest of the range for
                // every page, which the store's windows avoid: no floor.
                var pagingFloor = (fromAggregate || readCase.Interval == BarInterval.OneMinute) && expected.Count > BarStore.MaxLimit;
                var pagedBars = pagingFloor ? await RawPagesAsync(direct, sql, query) : expected.Count;
                if (jsonBars != expected.Count || csvBars != expected.Count || pagedBars != expected.Count)
                {
                    Console.Error.WriteLine($"[{name}] {readCase.Name}: the gateway returned {jsonBars} (JSON) and {csvBars} (CSV) bars, the SQL {expected.Count} ({pagedBars} in pages)");
                    return 1;
                }

                Func<Task<int>> raw = async () => (await rawRows()).Count;
                // PostgreSQL writing the same rows as CSV lines: the peer of a CSV answer (not where
                // the store itself is the peer).
                Func<Task<int>> text = storeIsPeer
                    ? () => Task.FromResult(0)
                    : () => ReadBenchmark.SqlAsCsvAsync(direct, sql, query.Start!.Value, query.End!.Value, int.MaxValue);
                foreach (var clients in Concurrency)
                {
                    // Interleaved: every client takes each way of reading in turn, so load and drift
                    // on this small machine fall on all of them alike.
                    var timed = await TimeInterleavedAsync(clients, reads,
                    [
                        raw,
                        () => ReadStoreAsync(db.Bars, query), // what the gateway adds over the store is HTTP and the format
                        async () => (await ReadJsonAsync(http, url, parse: false)).Bars,
                        () => CountCsvAsync(http, csvUrl),
                        () => FloorAsync(http),
                        text,
                        // The raw read, then its answer written in this process (no HTTP).
                        async () => InProcessAnswer.Json(await rawRows()),
                        async () => InProcessAnswer.Csv(await rawRows()),
                        // The same SQL in the JSON answer's pages, through Npgsql: the paging floor.
                        pagingFloor ? () => RawPagesAsync(direct, sql, query) : () => Task.FromResult(0),
                    ]);
                    var (baseline, store, floor) = (timed[0], timed[1], timed[4]);
                    var paged = pagingFloor ? timed[8].P50 : (double?)null;
                    foreach (var (format, measured, written) in new[] { ("json", timed[2], timed[6]), ("csv", timed[3], timed[7]) })
                    {
                        results.Add(new Result(name, readCase.Name, format, clients, expected.Count,
                            measured.P50, measured.P99, baseline.P50, baseline.P99, store.P50, floor.P50, storeIsPeer ? null : timed[5].P50, written.P50 + floor.P50,
                            format == "json" ? paged : null, expected.Count * reads * clients / measured.Busy.TotalSeconds));
                        var r = results[^1];
                        Console.WriteLine($"[{name}] {readCase.Name,-13} {format,-4} x{clients,-2}  p50 {r.P50,7:0.0} ms ({r.Ratio50:0.00}x)  p99 {r.P99,7:0.0} ms ({r.Ratio99:0.00}x)  store p50 {r.StoreP50,7:0.0} ms  HTTP floor p50 {r.FloorP50,5:0.00} ms  answer floor p50 {r.AnswerFloorP50,7:0.0} ms ({r.AnswerFloorP50 / r.BaseP50:0.00}x)  PostgreSQL CSV p50 {r.TextP50,7:0.0} ms{(r.PagedP50 is { } p ? $"  SQL in pages p50 {p,7:0.0} ms ({p / r.BaseP50:0.00}x)" : "")}  {r.BarsPerSecond,12:N0} bars/s");
                    }
                }
            }

            // A year of minutes as CSV: streamed, so the gateway's memory stays flat.
            peaks.Add(await PeakDuringExportAsync(name, http, gateway.ProcessId));
        }

        Console.WriteLine();
        Console.WriteLine($"{"path",-12} {"read",-13} {"fmt",-4} {"clients",7} {"bars",7} {"p50 ms",8} {"raw p50",8} {"ratio",6} {"p99 ms",8} {"raw p99",8} {"ratio",6} {"store",8} {"floor",6} {"bars/s",12}");
        foreach (var r in results)
            Console.WriteLine($"{r.Path,-12} {r.Case,-13} {r.Format,-4} {r.Clients,7} {r.Bars,7} {r.P50,8:0.0} {r.BaseP50,8:0.0} {r.Ratio50,6:0.00} {r.P99,8:0.0} {r.BaseP99,8:0.0} {r.Ratio99,6:0.00} {r.StoreP50,8:0.0} {r.FloorP50,6:0.00} {r.BarsPerSecond,12:N0}");
        foreach (var (path, mb, bars, seconds) in peaks)
            Console.WriteLine($"{path}: a year of 1-minute bars as CSV ({bars:N0} rows in {seconds:0.0} s): the gateway's working set rose by at most {mb:0.0} MB");
        Console.WriteLine($"goal: p50 <= {Goal}x the raw query");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            benchmark = "gateway-read",
            reads_per_case = reads,
            results = results.Select(r => new
            {
                path = r.Path, read = r.Case, format = r.Format, clients = r.Clients, bars = r.Bars,
                p50_ms = Math.Round(r.P50, 2), p99_ms = Math.Round(r.P99, 2), raw_p50_ms = Math.Round(r.BaseP50, 2), raw_p99_ms = Math.Round(r.BaseP99, 2), store_p50_ms = Math.Round(r.StoreP50, 2), postgres_csv_p50_ms = r.TextP50 is { } t ? Math.Round(t, 2) : (double?)null, http_floor_p50_ms = Math.Round(r.FloorP50, 3), answer_floor_p50_ms = Math.Round(r.AnswerFloorP50, 2), sql_in_pages_p50_ms = r.PagedP50 is { } p ? Math.Round(p, 2) : (double?)null,
                p50_ratio = Math.Round(r.Ratio50, 3), p99_ratio = Math.Round(r.Ratio99, 3), bars_per_second = Math.Round(r.BarsPerSecond),
            }),
            figures = results.Select(r => BenchFigure.AtMost(
                $"GET /bars {r.Case} as {r.Format}, {r.Clients} client{(r.Clients == 1 ? "" : "s")}: p50", r.Path, Math.Round(r.P50, 2), "ms",
                "the store's SQL read through Npgsql in the bench process, same run, interleaved (p50)", Math.Round(r.BaseP50, 2), Goal))
                .Concat(results.Select(r => BenchFigure.Shown(
                    $"the answer floor of {r.Case} as {r.Format}, {r.Clients} client{(r.Clients == 1 ? "" : "s")}: the raw read, its {r.Format} written in process, plus the HTTP floor (p50s)", r.Path, Math.Round(r.AnswerFloorP50, 2), "ms",
                    "the store's SQL read through Npgsql, same run (p50)", Math.Round(r.BaseP50, 2))))
                .Concat(results.Where(r => r.Format == "csv" && r.TextP50 is not null).Select(r => BenchFigure.Shown(
                    $"GET /bars {r.Case} as csv, {r.Clients} client{(r.Clients == 1 ? "" : "s")}: p50 beside PostgreSQL writing the CSV", r.Path, Math.Round(r.P50, 2), "ms",
                    "the same rows as CSV lines from PostgreSQL (its own text output), read through Npgsql, same run (p50)", Math.Round(r.TextP50!.Value, 2))))
                .Concat(results.Where(r => r.PagedP50 is not null).Select(r => BenchFigure.Shown(
                    $"the paging floor of {r.Case} as json, {r.Clients} client{(r.Clients == 1 ? "" : "s")}: the same SQL in pages of {BarStore.MaxLimit:N0} bars through Npgsql, no HTTP (p50)", r.Path, Math.Round(r.PagedP50!.Value, 2), "ms",
                    "the store's SQL read through Npgsql, same run (p50)", Math.Round(r.BaseP50, 2))))
                .Concat(results.Where(r => r.Format == "json").Select(r => BenchFigure.Shown(
                    $"GET /version (no database: the HTTP floor) beside {r.Case}, {r.Clients} client{(r.Clients == 1 ? "" : "s")}: p50", r.Path, Math.Round(r.FloorP50, 3), "ms",
                    "the store's SQL read through Npgsql, same run (p50)", Math.Round(r.BaseP50, 2)))),
            csv_export = peaks.Select(p => new { path = p.Path, rows = p.Bars, seconds = Math.Round(p.Seconds, 2), working_set_rise_mb = Math.Round(p.Mb, 1) }),
        }));
        return results.All(r => r.Ratio50 <= Goal) ? 0 : 1;
    }

    /// <summary>
    /// Runs <paramref name="clients"/> readers until each way of reading has been timed
    /// <paramref name="reads"/> times; each reader takes the ways in turn, starting at a different
    /// one. Per way: p50, p99 and the time spent in it (for bars/s).
    /// </summary>
    private static async Task<(double P50, double P99, TimeSpan Busy)[]> TimeInterleavedAsync(int clients, int reads, Func<Task<int>>[] ways)
    {
        // Warm-up, 5 s (at least 3 rounds of big reads, at most 300 of small ones): a method the
        // gateway calls once per request is promoted to its optimized tier only after 30 calls and
        // a quiet moment, so a shorter warm-up timed small reads half in unoptimized code.
        var warming = Stopwatch.StartNew();
        for (var i = 0; i < 300 && (i < 3 || warming.Elapsed < TimeSpan.FromSeconds(5)); i++)
            foreach (var way in ways) await way();
        var latencies = ways.Select(_ => new System.Collections.Concurrent.ConcurrentBag<double>()).ToArray();
        var left = reads;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            while (Interlocked.Decrement(ref left) >= 0)
            {
                for (var k = 0; k < ways.Length; k++)
                {
                    var index = (client + k) % ways.Length;
                    var started = Stopwatch.GetTimestamp();
                    await ways[index]();
                    latencies[index].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
        })));
        return [.. latencies.Select(bag =>
        {
            var sorted = bag.Order().ToList();
            return (sorted[sorted.Count / 2], sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(sorted.Count * 0.99) - 1)], TimeSpan.FromMilliseconds(sorted.Sum()));
        })];
    }

    // One request through the gateway's whole pipeline (rate limiter, key check, telemetry,
    // routing, JSON) with no database read: what any answer costs over loopback on this machine.
    private static async Task<int> FloorAsync(HttpClient http)
    {
        _ = await http.GetByteArrayAsync("/version");
        return 0;
    }

    // The raw SQL page after page, as a JSON client pages: limit + 1 rows say whether more remain,
    // the next page starts a microsecond after the last bar (the store's paging step).
    private static async Task<int> RawPagesAsync(NpgsqlDataSource direct, ReadBenchmark.ReadCase sql, BarQuery query)
    {
        var bars = 0;
        while (true)
        {
            var page = await ReadBenchmark.SqlPageAsync(direct, sql, query.Start!.Value, query.End!.Value, BarStore.MaxLimit + 1);
            if (page.Count <= BarStore.MaxLimit) return bars + page.Count;
            bars += BarStore.MaxLimit;
            query = query with { Start = page[BarStore.MaxLimit - 1].Timestamp.AddMicroseconds(1) };
        }
    }

    private static async Task<int> ReadStoreAsync(BarStore store, BarQuery query)
    {
        var bars = 0;
        while (true)
        {
            var slice = await store.GetBarsAsync(query);
            bars += slice.Bars.Count;
            if (!slice.HasMore) return bars;
            query = query with { Start = slice.Bars[^1].Timestamp.AddMicroseconds(1) };
        }
    }

    // A client that takes what it needs. Timed, it reads every byte of each page and finds the bars
    // and the next page token by plain byte searches, as the raw read takes its rows from Npgsql
    // without building a document: what is timed is the gateway's work, not this process's JSON
    // parser. Before timing (parse: true), every token of the body is read, so the JSON is checked whole.
    private static async Task<(int Bars, int Pages)> ReadJsonAsync(HttpClient http, string url, bool parse)
    {
        var bars = 0;
        var pages = 0;
        string? token = null;
        // Each page read into a pooled buffer: a new array per page (2 MB for 10,000 bars) would
        // charge this process's garbage collector to the gateway's time.
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(256 * 1024);
        try
        {
            do
            {
                using var response = await http.GetAsync(url + (token is null ? string.Empty : $"&page_token={token}"), HttpCompletionOption.ResponseHeadersRead);
                response.EnsureSuccessStatusCode();
                await using var stream = await response.Content.ReadAsStreamAsync();
                var length = 0;
                int read;
                while ((read = await stream.ReadAsync(buffer.AsMemory(length))) > 0)
                {
                    length += read;
                    if (length < buffer.Length) continue;
                    var larger = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan().CopyTo(larger);
                    System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var body = buffer.AsSpan(0, length);
                (var count, token) = parse ? CountBars(body) : ScanBars(body);
                bars += count;
                pages++;
            }
            while (token is not null);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        return (bars, pages);
    }

    private static (int Bars, string? NextPageToken) CountBars(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        var bars = 0;
        string? next = null;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.StartObject && reader.CurrentDepth == 2) bars++;
            else if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("next_page_token"u8))
            {
                reader.Read();
                next = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
        }
        return (bars, next);
    }

    // Every bar object starts with its timestamp; the token is the document's last property.
    private static (int Bars, string? NextPageToken) ScanBars(ReadOnlySpan<byte> span)
    {
        var bars = span.Count("{\"timestamp\":"u8);
        var at = span.LastIndexOf("\"next_page_token\":\""u8);
        if (at < 0) return (bars, null);
        var value = span[(at + "\"next_page_token\":\""u8.Length)..];
        return (bars, System.Text.Encoding.ASCII.GetString(value[..value.IndexOf((byte)'"')]));
    }

    // The check before timing: line by line, as text.
    private static async Task<int> ReadCsvAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var lines = -1; // the header
        while (await reader.ReadLineAsync() is not null) lines++;
        return lines;
    }

    // Timed: every byte of the streamed body read, its line ends counted (no string per line).
    private static async Task<int> CountCsvAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        var lines = -1; // the header
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0) lines += buffer.AsSpan(0, read).Count((byte)'\n');
        return lines;
    }

    /// <summary>The gateway's working set (resident memory) sampled while it streams a year of minutes as CSV: its rise over the level before.</summary>
    private static async Task<(string Path, double Mb, int Bars, double Seconds)> PeakDuringExportAsync(string path, HttpClient http, int pid)
    {
        static long Rss(int pid) =>
            File.ReadLines($"/proc/{pid}/status").Where(line => line.StartsWith("VmRSS:", StringComparison.Ordinal))
                .Select(line => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024).First();
        var before = Rss(pid);
        long peak = before;
        using var done = new CancellationTokenSource();
        var sampling = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                peak = Math.Max(peak, Rss(pid));
                await Task.Delay(20);
            }
        });
        var watch = Stopwatch.StartNew();
        var rows = await ReadCsvAsync(http, "/bars/SPY?interval=1m&start=2024-01-01&end=2024-12-31&format=csv");
        watch.Stop();
        await done.CancelAsync();
        await sampling;
        return (path, (peak - before) / 1024.0 / 1024.0, rows, watch.Elapsed.TotalSeconds);
    }
}
