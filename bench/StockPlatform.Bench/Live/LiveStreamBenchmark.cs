using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StockPlatform.Bench.Support;
using StockPlatform.MarketData.Alpaca;
using StockPlatform.MarketData.Alpaca.Stream;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketSim;
using StockPlatform.MarketSim.Clock;
using StockPlatform.MarketSim.Data;
using StockPlatform.MarketSim.Options;
using StockPlatform.Storage.Schema;
using StockPlatform.Testing;

namespace StockPlatform.Bench.Live;

/// <summary>
/// The live path end to end: MarketSim's WebSocket stream (in-process, on an accelerated clock)
/// to the live updater agent (a process: batched upsert, then <c>BarReceived</c>), through
/// RabbitMQ to the gateway (a process), readable on <c>GET /bars</c> and delivered on
/// <c>GET /events?kind=bar</c>. Latencies are measured from the instant MarketSim emits a
/// minute: the simulated clock passing the minute's end, computed from the clock itself
/// (<c>now = Start + elapsed * Speed</c> on the same monotonic timestamp this process reads).
/// </summary>
/// <remarks>
/// The floor is the same stream read by our own <see cref="AlpacaStreamClient"/> in this process
/// (MarketSim allows one connection per feed and key, so it reads the <c>sip</c> endpoint while the
/// agent reads <c>iex</c>; both are sent from the same tick): alone before any platform run, and
/// beside every platform run (the floor under the same load).
/// </remarks>
internal static class LiveStreamBenchmark
{
    private const string KeyId = BenchMarketSim.KeyId;
    private const string Secret = BenchMarketSim.Secret;
    private const string ApiKey = "bench-gateway-key";
    private const string Feed = "iex";
    private const string FloorFeed = "sip";
    private const string FloorText = "our own stream client on the same stream, alone (p99)";

    /// <summary>The 12 MarketSim defaults, then 38 more: all liquid (traded in nearly every regular minute); the soak benchmark tracks them too.</summary>
    internal static readonly string[] Tickers =
    [
        "SPY", "QQQ", "AAPL", "MSFT", "NVDA", "AMZN", "TSLA", "META", "GOOGL", "IWM", "AMD", "NFLX",
        "AVGO", "COST", "PEP", "ADBE", "CSCO", "INTC", "ORCL", "CRM", "JPM", "BAC", "WFC", "GS",
        "MS", "V", "MA", "UNH", "JNJ", "PFE", "XOM", "CVX", "KO", "MCD", "NKE", "DIS",
        "WMT", "HD", "LOW", "BA", "T", "VZ", "ABBV", "MRK", "LLY", "PG", "QCOM", "TXN", "SBUX", "CAT",
    ];

    /// <summary>A Wednesday, 09:30 in New York: every measured minute is in the regular session.</summary>
    private static readonly DateTimeOffset SessionStart = new(2025, 3, 5, 14, 30, 0, TimeSpan.Zero);

    /// <summary>The regular session's last minute on that day (15:59 New York).</summary>
    private static readonly DateTimeOffset LastRegularMinute = new(2025, 3, 5, 20, 59, 0, TimeSpan.Zero);

    private sealed record Settings(string Messaging, int Symbols, string? BatchWindow, Arguments Options);

    /// <summary>One run: what it measured. Latencies in milliseconds.</summary>
    private sealed record Run(
        string Label, double Speed, int Minutes, int Expected, int Delivered, double[] Event, double[] Readable, int ReadableMinutes,
        double[] Floor, int Gaps, int StreamTrouble, string? Failure, int CorrectionOnly = 0)
    {
        public double BarsPerSecond(int symbols) => Expected / (double)Minutes * Speed / 60;

        public bool Held => Failure is null && Expected > 0 && Delivered == Expected && Gaps == 0 && StreamTrouble == 0 && Stats.Percentile(Event, 0.99) <= 1000;

        public string Verdict =>
            Failure ?? (Delivered < Expected ? $"{Expected - Delivered} bars not delivered"
                : Gaps > 0 ? "events gap" : StreamTrouble > 0 ? "stream errors/drops" : Stats.Percentile(Event, 0.99) > 1000 ? "p99 > 1 s" : "held");
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Arguments(args);
        var messaging = options.Text("messaging") ?? Environment.GetEnvironmentVariable("ConnectionStrings__messaging");
        if (string.IsNullOrWhiteSpace(messaging))
            throw new InvalidOperationException("No RabbitMQ: pass --messaging amqp://user:pass@host:port or set ConnectionStrings__messaging.");
        var symbols = options.Int("symbols", 50);
        if (symbols is < 1 or > 50) throw new ArgumentException("--symbols must be 1 to 50");
        var settings = new Settings(messaging, symbols, options.Text("batch-window"), options);
        var targetBars = options.Int("bars", 10_000);
        var speed = options.Double("speed", 60);
        var sweep = (options.Text("sweep") ?? "120,240,480,960,1920,3840")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var sweepMinutes = options.Int("sweep-minutes", 40);
        var market = new SyntheticMarket(MarketSimOptions.DefaultSeed, Tickers);
        var paths = await BenchDatabase.PathsAsync(options);

        // The floor alone: MarketSim and our own client, nothing else running.
        var floorAlone = await RunOnceAsync(settings, market, null, speed, MinutesFor(market, symbols, Math.Min(targetBars, 2_000), FloorFeed), readable: false, "floor alone");
        Report(floorAlone, symbols);

        var main = new List<(StoragePath Path, Run Run)>();
        var sweeps = new List<(StoragePath Path, Run Run)>();
        foreach (var path in paths)
        {
            var name = BenchDatabase.Name(path);
            var run = await RunOnceAsync(settings, market, path, speed, MinutesFor(market, symbols, targetBars, Feed), readable: true, $"{name}, {speed:0}x");
            Report(run, symbols);
            main.Add((path, run));
            foreach (var s in sweep)
            {
                // At least the given simulated minutes, and at least 10 s of real time, so a growing backlog shows.
                var minutes = Math.Max(sweepMinutes, (int)Math.Ceiling(s * 10 / 60));
                var step = await RunOnceAsync(settings, market, path, s, minutes, readable: true, $"{name}, {s:0}x");
                Report(step, symbols);
                sweeps.Add((path, step));
                if (!step.Held) break;
            }
        }

        Console.WriteLine();
        Console.WriteLine($"{symbols} tracked symbols; latency from MarketSim emitting a minute (its clock passing the minute's end) to: the bar.new event read from GET /events (event), all the minute's bars readable through GET /bars (readable); floor: our own stream client on the same tick");
        Console.WriteLine($"{"run",-20} {"bars/s",7} {"x real",7} {"bars",6} {"lost",5} {"ev p50",7} {"ev p99",7} {"ev max",7} {"rd p50",7} {"rd p99",7} {"rd max",7} {"fl p50",7} {"fl p99",7} {"verdict",-12}");
        foreach (var run in main.Select(m => m.Run).Prepend(floorAlone).Concat(sweeps.Select(s => s.Run)))
        {
            Console.WriteLine($"{run.Label,-20} {run.BarsPerSecond(symbols),7:0.0} {run.BarsPerSecond(symbols) / (symbols / 60.0),7:0} {run.Expected,6} {run.Expected - run.Delivered,5} "
                + $"{Ms(run.Event, 0.5),7} {Ms(run.Event, 0.99),7} {Ms(run.Event, 1),7} {Ms(run.Readable, 0.5),7} {Ms(run.Readable, 0.99),7} {Ms(run.Readable, 1),7} "
                + $"{Ms(run.Floor, 0.5),7} {Ms(run.Floor, 0.99),7} {run.Verdict,-12}");
        }

        var floorP50 = Stats.Percentile(floorAlone.Floor, 0.5);
        var floorP99 = Stats.Percentile(floorAlone.Floor, 0.99);
        var results = main.Select(m =>
        {
            var held = sweeps.Where(s => s.Path == m.Path && s.Run.Held).Select(s => s.Run).Append(m.Run.Held ? m.Run : null).OfType<Run>()
                .MaxBy(r => r.Speed);
            return new
            {
                path = BenchDatabase.Name(m.Path),
                speed = m.Run.Speed,
                bars = m.Run.Expected,
                delivered = m.Run.Delivered,
                event_p50_ms = Round(Stats.Percentile(m.Run.Event, 0.5)),
                event_p99_ms = Round(Stats.Percentile(m.Run.Event, 0.99)),
                event_max_ms = Round(Stats.Percentile(m.Run.Event, 1)),
                readable_p50_ms = Round(Stats.Percentile(m.Run.Readable, 0.5)),
                readable_p99_ms = Round(Stats.Percentile(m.Run.Readable, 0.99)),
                readable_max_ms = Round(Stats.Percentile(m.Run.Readable, 1)),
                readable_minutes = m.Run.ReadableMinutes,
                delivered_as_correction_only = m.Run.CorrectionOnly,
                floor_beside_p50_ms = Round(Stats.Percentile(m.Run.Floor, 0.5)),
                floor_beside_p99_ms = Round(Stats.Percentile(m.Run.Floor, 0.99)),
                event_p50_over_floor_ms = Round(Stats.Percentile(m.Run.Event, 0.5) - floorP50),
                event_p99_over_floor_ms = Round(Stats.Percentile(m.Run.Event, 0.99) - floorP99),
                event_p50_to_floor = Round(Stats.Percentile(m.Run.Event, 0.5) / floorP50),
                event_p99_to_floor = Round(Stats.Percentile(m.Run.Event, 0.99) / floorP99),
                readable_p99_to_floor = Round(Stats.Percentile(m.Run.Readable, 0.99) / floorP99),
                sustained_speed = held?.Speed,
                sustained_bars_per_second = held is null ? (double?)null : Round(held.BarsPerSecond(symbols)),
                sustained_to_real_rate = held is null ? (double?)null : Round(held.BarsPerSecond(symbols) / (symbols / 60.0)),
                sweep = sweeps.Where(s => s.Path == m.Path).Select(s => new
                {
                    speed = s.Run.Speed,
                    bars_per_second = Round(s.Run.BarsPerSecond(symbols)),
                    bars = s.Run.Expected,
                    delivered = s.Run.Delivered,
                    event_p50_ms = Round(Stats.Percentile(s.Run.Event, 0.5)),
                    event_p99_ms = Round(Stats.Percentile(s.Run.Event, 0.99)),
                    readable_p99_ms = Round(Stats.Percentile(s.Run.Readable, 0.99)),
                    floor_p99_ms = Round(Stats.Percentile(s.Run.Floor, 0.99)),
                    delivered_as_correction_only = s.Run.CorrectionOnly,
                    verdict = s.Run.Verdict,
                }),
            };
        }).ToList();
        foreach (var r in results)
        {
            Console.WriteLine($"{r.path}: event p99 {r.event_p99_ms} ms ({r.event_p99_over_floor_ms} ms over the floor's {Round(floorP99)} ms), readable p99 {r.readable_p99_ms} ms; "
                + $"sustained up to {r.sustained_speed}x the clock = {r.sustained_bars_per_second} bars/s = {r.sustained_to_real_rate}x the real rate ({symbols} bars a minute)");
        }
        Console.WriteLine("goals: p99 under 250 ms at 50 symbols (event and readable); at least 20x the real rate without falling behind");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            benchmark = "live",
            symbols,
            batch_window = settings.BatchWindow ?? "default",
            floor_alone = new
            {
                bars = floorAlone.Delivered,
                p50_ms = Round(floorP50),
                p99_ms = Round(floorP99),
                max_ms = Round(Stats.Percentile(floorAlone.Floor, 1)),
            },
            results,
            figures = results.SelectMany(r => new[]
            {
                BenchFigure.Checked($"event p99 at {r.speed:0}x", r.path, Measured(r.event_p99_ms), "ms", FloorText, floorP99, "< 250 ms", r.event_p99_ms is >= 0 and < 250),
                BenchFigure.Checked($"readable p99 at {r.speed:0}x", r.path, Measured(r.readable_p99_ms), "ms", FloorText, floorP99, "< 250 ms", r.readable_p99_ms is >= 0 and < 250),
                BenchFigure.Shown($"event p50 at {r.speed:0}x", r.path, Measured(r.event_p50_ms), "ms", "our own stream client, alone (p50)", floorP50),
                BenchFigure.AtLeast("sustained rate", r.path, r.sustained_bars_per_second, "bars/s", $"the real rate ({symbols} bars a minute)", symbols / 60.0, 20),
            }),
        }));
        var met = results.All(r => r.event_p99_ms < 250 && r.readable_p99_ms < 250 && r.sustained_to_real_rate >= 20);
        return met ? 0 : 1;
    }

    /// <summary>Simulated minutes from the session start whose bars (of the first <paramref name="symbols"/>) reach <paramref name="bars"/>.</summary>
    private static int MinutesFor(SyntheticMarket market, int symbols, int bars, string feed)
    {
        var minutes = Tickers.Take(symbols).Select(s => market.GetMinuteBars(s, feed, DateOnly.FromDateTime(SessionStart.UtcDateTime)).Select(b => b.Timestamp).ToHashSet()).ToList();
        var count = 0;
        var minute = SessionStart;
        var n = 0;
        while (count < bars && minute <= LastRegularMinute)
        {
            count += minutes.Count(m => m.Contains(minute));
            minute = minute.AddMinutes(1);
            n++;
        }
        return n;
    }

    /// <summary>
    /// One run: a fresh database (storage <paramref name="path"/>; null: no platform, the floor
    /// alone), the gateway and the agent started and waiting, the 50 symbols tracked, then
    /// MarketSim started on a port chosen beforehand with its clock at 09:30, so no simulated time
    /// passes before everything listens. Warm-up minutes first (the first connection), then
    /// <paramref name="minutes"/> measured minutes.
    /// </summary>
    private static async Task<Run> RunOnceAsync(Settings settings, SyntheticMarket market, StoragePath? path, double speed, int minutes, bool readable, string label)
    {
        var symbols = Tickers.Take(settings.Symbols).ToArray();
        var date = DateOnly.FromDateTime(SessionStart.UtcDateTime);
        var warmup = Math.Max(3, (int)Math.Ceiling(2 * speed / 60)); // at least 3 minutes and 2 real seconds
        var first = SessionStart.AddMinutes(warmup);
        var last = first.AddMinutes(minutes - 1);
        if (last > LastRegularMinute) last = LastRegularMinute;
        var measured = Enumerable.Range(0, (int)(last - first).TotalMinutes + 1).Select(i => first.AddMinutes(i)).ToArray();
        var truth = symbols.ToDictionary(s => s, s => market.GetMinuteBars(s, Feed, date).Select(b => b.Timestamp).ToHashSet(), StringComparer.Ordinal);
        var floorTruth = symbols.ToDictionary(s => s, s => market.GetMinuteBars(s, FloorFeed, date).Select(b => b.Timestamp).ToHashSet(), StringComparer.Ordinal);
        var expected = measured.ToDictionary(m => m, m => symbols.Where(s => truth[s].Contains(m)).ToArray());
        var port = LocalServer.FreePort();
        var simUrl = $"http://127.0.0.1:{port}";
        using var stop = new CancellationTokenSource();

        await using var database = path is { } p ? await BenchDatabase.CreateAsync(settings.Options, path: p) : null;
        ServiceProcess? gateway = null, agent = null;
        HttpClient? http = null;
        var events = new ConcurrentDictionary<(string Symbol, DateTimeOffset Minute), long>();
        var corrections = new ConcurrentDictionary<(string Symbol, DateTimeOffset Minute), bool>();
        var gaps = 0;
        Task reading = Task.CompletedTask;
        try
        {
            if (database is not null)
            {
                // The tracked symbols' history up to the session start, as a running platform has
                // it: the agent's hole fill at the first streamed minute is then a few minutes, not the pre-market.
                var history = symbols.SelectMany(s => market.GetMinuteBars(s, Feed, date).Where(b => b.Timestamp < SessionStart).Select(b => new SymbolBar(Symbol.Parse(s), b))).ToList();
                await database.Bars.UpsertAsync(history, Feed);

                var prefix = "benchlive" + Guid.NewGuid().ToString("N")[..8];
                var shared = new Dictionary<string, string>
                {
                    ["ConnectionStrings__stockplatform"] = database.ConnectionString,
                    ["ConnectionStrings__messaging"] = settings.Messaging,
                    ["Messaging__Namespace"] = prefix,
                    ["Logging__LogLevel__Default"] = "Warning",
                };
                gateway = ServiceProcess.Start("Gateway", "StockPlatform.Gateway", new Dictionary<string, string>(shared)
                {
                    ["Messaging__EndpointPrefix"] = prefix + "gw",
                    ["GATEWAY_API_KEY"] = ApiKey,
                    // The readable polls of overlapping minutes at the highest speeds would meet the per-client limit.
                    ["Gateway__RequestsPerSecond"] = "100000",
                });
                await gateway.WaitHealthyAsync(TimeSpan.FromSeconds(60));
                http = new HttpClient { BaseAddress = gateway.Url, Timeout = TimeSpan.FromSeconds(30) };
                http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
                foreach (var symbol in symbols)
                {
                    using var response = await http.PutAsync($"/symbols/{symbol}/tracking", null);
                    response.EnsureSuccessStatusCode();
                }

                var agentEnvironment = new Dictionary<string, string>(shared)
                {
                    ["Messaging__EndpointPrefix"] = prefix,
                    ["ALPACA_KEY_ID"] = KeyId,
                    ["ALPACA_SECRET_KEY"] = Secret,
                    ["ALPACA_DATA_URL"] = simUrl,
                    ["ALPACA_TRADING_URL"] = simUrl,
                    ["ALPACA_STREAM_URL"] = $"ws://127.0.0.1:{port}/v2/{{feed}}",
                    // MarketSim starts after the agent: it connects within half a second of it.
                    ["Alpaca__StreamReconnectDelay"] = "00:00:00.100",
                    ["Alpaca__StreamMaxReconnectDelay"] = "00:00:00.400",
                    ["Logging__LogLevel__StockPlatform.LiveStream"] = "Information",
                    ["Logging__LogLevel__StockPlatform.MarketData"] = "Warning",
                };
                if (settings.BatchWindow is { } window) agentEnvironment["LiveStream__BatchWindow"] = window;
                agent = ServiceProcess.Start(Path.Combine("Services", "StockPlatform.LiveStream"), "StockPlatform.LiveStream", agentEnvironment);
                await agent.WaitHealthyAsync(TimeSpan.FromSeconds(60));

                var sse = await http.GetAsync("/events?kind=bar", HttpCompletionOption.ResponseHeadersRead);
                sse.EnsureSuccessStatusCode();
                var body = await sse.Content.ReadAsStreamAsync();
                reading = Task.Run(async () =>
                {
                    try
                    {
                        await foreach (var item in SseParser.Create(body).EnumerateAsync(stop.Token))
                        {
                            var at = Stopwatch.GetTimestamp();
                            if (item.EventType == "gap") Interlocked.Increment(ref gaps);
                            // A minute whose bar and correction land in one batch is published once, as a correction: the first event of either kind delivers it.
                            if (item.EventType is not ("bar.new" or "bar.correction")) continue;
                            using var json = JsonDocument.Parse(item.Data);
                            var symbol = json.RootElement.GetProperty("symbol").GetString()!;
                            var minute = new DateTimeOffset(json.RootElement.GetProperty("timestamp").GetDateTime().ToUniversalTime(), TimeSpan.Zero);
                            if (events.TryAdd((symbol, minute), at) && item.EventType == "bar.correction") corrections.TryAdd((symbol, minute), true);
                        }
                    }
                    catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
                    {
                        // The run is over.
                    }
                    finally
                    {
                        sse.Dispose();
                    }
                });
            }

            // Our own client on the same stream (the sip endpoint: one connection per feed and key).
            var floor = new ConcurrentDictionary<(string Symbol, DateTimeOffset Minute), long>();
            var client = new AlpacaStreamClient(Options.Create(new AlpacaOptions
            {
                KeyId = KeyId,
                SecretKey = Secret,
                Feed = FloorFeed,
                StreamUrl = $"ws://127.0.0.1:{port}/v2/{{feed}}",
                StreamReconnectDelay = TimeSpan.FromMilliseconds(100),
                StreamMaxReconnectDelay = TimeSpan.FromMilliseconds(400),
            }), TimeProvider.System, NullLogger<AlpacaStreamClient>.Instance);
            await client.SubscribeAsync(symbols.Select(Symbol.Parse), updatedBars: false);
            var floorReading = Task.Run(async () =>
            {
                try
                {
                    await foreach (var e in client.RunAsync(stop.Token))
                    {
                        if (e is StreamBarReceived { Kind: StreamBarKind.Minute } bar) floor.TryAdd((bar.Symbol.Value, bar.Bar.Timestamp), Stopwatch.GetTimestamp());
                    }
                }
                catch (OperationCanceledException)
                {
                    // The run is over.
                }
            });

            await using var sim = MarketSimApp.Create([], builder =>
            {
                builder.WebHost.UseUrls(simUrl);
                builder.Logging.ClearProviders();
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["MarketSim:KeyId"] = KeyId,
                    ["MarketSim:SecretKey"] = Secret,
                    ["MarketSim:RateLimit:RequestsPerWindow"] = "100000",
                    ["MarketSim:Stream:Speed"] = speed.ToString(CultureInfo.InvariantCulture),
                    ["MarketSim:Stream:Start"] = SessionStart.ToString("O", CultureInfo.InvariantCulture),
                    ["MarketSim:Stream:MaxSymbols"] = "100",
                });
                for (var i = 0; i < Tickers.Length; i++) builder.Configuration[$"MarketSim:LiquidSymbols:{i}"] = Tickers[i];
            });
            await sim.StartAsync();
            var clock = sim.Services.GetRequiredService<SimulatedClock>();
            // The emission instant of a minute on this process's monotonic clock: the simulated
            // clock runs on the same Stopwatch timestamps (TimeProvider.System).
            var sampledAt = Stopwatch.GetTimestamp();
            var sampledNow = clock.Now;
            long Emitted(DateTimeOffset minute) => sampledAt + (long)((minute.AddMinutes(1) - sampledNow).TotalSeconds / clock.Speed * Stopwatch.Frequency);

            // Readable: from each minute's emission, GET /bars every 10 ms until all its bars are
            // there (one probe symbol until its bar shows, then the rest in one read). Minutes at
            // least half a real second apart, so polling stays a light load at any speed.
            var readableMs = new ConcurrentBag<double>();
            var polls = new List<Task>();
            var progress = Stopwatch.StartNew();
            long? lastPolled = null;
            foreach (var minute in measured)
            {
                var at = Emitted(minute);
                if (readable && http is not null && (lastPolled is null || at - lastPolled.Value >= Stopwatch.Frequency / 2) && expected[minute].Length > 0)
                {
                    lastPolled = at;
                    polls.Add(PollReadableAsync(http, minute, expected[minute], at, readableMs, stop.Token));
                }
                await DelayUntilAsync(at, stop.Token);
                if (progress.Elapsed >= TimeSpan.FromSeconds(10))
                {
                    Console.WriteLine($"  {label}: minute {(int)((minute - first).TotalMinutes) + 1}/{measured.Length}, {(path is null ? floor.Count : events.Count):N0} bars received");
                    progress.Restart();
                }
            }

            // Wait for the last bars (the backlog of a run that fell behind), at most 10 s.
            var total = expected.Values.Sum(s => s.Length);
            var deadline = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
            int Delivered() => path is null
                ? measured.Sum(m => symbols.Count(s => floorTruth[s].Contains(m) && floor.ContainsKey((s, m))))
                : expected.Sum(pair => pair.Value.Count(s => events.ContainsKey((s, pair.Key))));
            var floorTotal = measured.Sum(m => symbols.Count(s => floorTruth[s].Contains(m)));
            while (Delivered() < (path is null ? floorTotal : total) && Stopwatch.GetTimestamp() < deadline) await Task.Delay(50);
            await Task.WhenAll(polls);

            var eventMs = expected.SelectMany(pair => pair.Value.Where(s => events.ContainsKey((s, pair.Key)))
                .Select(s => Milliseconds(events[(s, pair.Key)] - Emitted(pair.Key)))).Order().ToArray();
            var floorMs = measured.SelectMany(m => symbols.Where(s => floor.TryGetValue((s, m), out _))
                .Select(s => Milliseconds(floor[(s, m)] - Emitted(m)))).Order().ToArray();
            // Trouble once connected (before MarketSim starts, the agent's connects fail by design).
            var troubleLines = (agent?.Output.SkipWhile(line => !line.Contains("Stream connected", StringComparison.Ordinal)) ?? [])
                .Where(line => line.Contains("Stream error", StringComparison.Ordinal) || line.Contains("Stream disconnected", StringComparison.Ordinal) || line.Contains("Could not store", StringComparison.Ordinal))
                .ToList();
            foreach (var line in troubleLines.Take(3)) Console.WriteLine($"  agent: {line[..Math.Min(line.Length, 300)]}");
            var measuredCorrections = expected.Sum(pair => pair.Value.Count(s => corrections.ContainsKey((s, pair.Key))));
            if (measuredCorrections > 0) Console.WriteLine($"  {label}: {measuredCorrections} minutes delivered only as bar.correction (bar and correction in one batch, published once)");
            foreach (var missingBar in expected.SelectMany(pair => pair.Value.Where(s => !events.ContainsKey((s, pair.Key))).Select(s => $"{s} {pair.Key:HH:mm}")).Take(path is null ? 0 : 5))
                Console.WriteLine($"  not delivered: {missingBar}");

            await stop.CancelAsync();
            await floorReading;
            await reading;
            await sim.StopAsync();
            return new Run(label, speed, measured.Length, path is null ? floorTotal : total, Delivered(), path is null ? floorMs : eventMs,
                [.. readableMs.Order()], readableMs.Count, floorMs, gaps, troubleLines.Count, null, measuredCorrections);
        }
        finally
        {
            await stop.CancelAsync();
            http?.Dispose();
            if (agent is not null) await agent.DisposeAsync();
            if (gateway is not null) await gateway.DisposeAsync();
        }
    }

    private static async Task PollReadableAsync(HttpClient http, DateTimeOffset minute, string[] symbols, long emitted, ConcurrentBag<double> readable, CancellationToken cancellationToken)
    {
        await DelayUntilAsync(emitted, cancellationToken);
        var missing = new SortedSet<string>(symbols, StringComparer.Ordinal);
        var range = $"interval=1m&start={minute.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}&end={minute.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}";
        var giveUp = emitted + (30 * Stopwatch.Frequency);
        while (missing.Count > 0 && Stopwatch.GetTimestamp() < giveUp && !cancellationToken.IsCancellationRequested)
        {
            var probe = await PresentAsync(http, [missing.Min!], range, cancellationToken);
            if (probe.Count > 0)
            {
                missing.ExceptWith(probe);
                if (missing.Count > 0) missing.ExceptWith(await PresentAsync(http, [.. missing], range, cancellationToken));
                if (missing.Count == 0)
                {
                    readable.Add(Milliseconds(Stopwatch.GetTimestamp() - emitted));
                    return;
                }
            }
            await Task.Delay(10, cancellationToken);
        }
    }

    /// <summary>The symbols among <paramref name="symbols"/> with a bar in the range.</summary>
    private static async Task<List<string>> PresentAsync(HttpClient http, IReadOnlyList<string> symbols, string range, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/bars?symbols={string.Join(',', symbols)}&{range}", cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET /bars answered {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        return [.. json.RootElement.GetProperty("bars").EnumerateObject().Where(p => p.Value.GetArrayLength() > 0).Select(p => p.Name)];
    }

    private static async Task DelayUntilAsync(long timestamp, CancellationToken cancellationToken)
    {
        var wait = timestamp - Stopwatch.GetTimestamp();
        if (wait > 0) await Task.Delay(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency), cancellationToken);
    }

    private static void Report(Run run, int symbols) =>
        Console.WriteLine($"  {run.Label}: {run.Minutes} minutes, {run.Delivered}/{run.Expected} bars at {run.BarsPerSecond(symbols):0.0} bars/s; "
            + $"event p50 {Ms(run.Event, 0.5)} p99 {Ms(run.Event, 0.99)} ms, readable p50 {Ms(run.Readable, 0.5)} p99 {Ms(run.Readable, 0.99)} ms ({run.ReadableMinutes} minutes), "
            + $"floor p50 {Ms(run.Floor, 0.5)} p99 {Ms(run.Floor, 0.99)} ms: {run.Verdict}");

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static string Ms(double[] sorted, double q) => sorted.Length == 0 ? "-" : Stats.Percentile(sorted, q).ToString("0.0", CultureInfo.InvariantCulture);

    // Round's -1 (no latencies at all) is no figure, and meets no goal.
    private static double? Measured(double value) => value < 0 ? null : value;

    private static double Round(double value) => double.IsNaN(value) || double.IsInfinity(value) ? -1 : Math.Round(value, 1);
}
