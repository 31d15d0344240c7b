using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using RabbitMQ.Client;
using StockPlatform.Bench.Support;
using StockPlatform.Testing;

namespace StockPlatform.Bench.Platform;

/// <summary>
/// How long the whole platform takes to come up and what it costs at idle, against the floor it
/// cannot beat: PostgreSQL and RabbitMQ started alone by the same script, in the same run.
/// Each run starts the AppHost as a user does (<c>dotnet run --project AppHost</c>, local
/// infrastructure, a fresh data directory, free ports), waits until every resource is healthy,
/// lets it idle, adds up the memory of its process tree, stops it, then starts it once more on the
/// same data (a warm start).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static class StartupBenchmark
{
    private const string Servers = "PostgreSQL and RabbitMQ alone, cold, until each accepts a client";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Arguments(args);
        var runs = options.Int("runs", 3);
        var idle = TimeSpan.FromSeconds(options.Double("idle-seconds", 20));
        var root = LocalServer.RepositoryRoot();
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Name ?? "Release";

        var results = new List<RunResult>();
        for (var run = 1; run <= runs; run++)
        {
            var servers = await MeasureServersAsync(idle);
            var platform = await MeasurePlatformAsync(root, configuration, idle);
            results.Add(new RunResult(servers, platform));
            Console.WriteLine($"run {run}/{runs}: servers {servers.Ready.TotalSeconds:0.0} s, platform {platform.AllHealthy.TotalSeconds:0.0} s cold / {platform.WarmAllHealthy.TotalSeconds:0.0} s warm, {platform.Memory.Values.Sum() / 1024.0:0} MiB at idle");
        }

        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }

        var serversReady = Median(results.Select(r => r.Servers.Ready.TotalSeconds));
        var gateway = Median(results.Select(r => r.Platform.GatewayHealthy.TotalSeconds));
        var all = Median(results.Select(r => r.Platform.AllHealthy.TotalSeconds));
        var warm = Median(results.Select(r => r.Platform.WarmAllHealthy.TotalSeconds));
        var stop = Median(results.Select(r => r.Platform.Stop.TotalSeconds));
        var serverMemory = Median(results.Select(r => r.Servers.MemoryKiB / 1024.0));
        var memory = results[^1].Platform.Memory.ToDictionary(pair => pair.Key, pair => Median(results.Select(r => r.Platform.Memory.GetValueOrDefault(pair.Key) / 1024.0)));
        var total = memory.Values.Sum();

        Console.WriteLine();
        Console.WriteLine($"runs                              {runs} (median of each figure)");
        Console.WriteLine($"baseline: PostgreSQL + RabbitMQ   {serversReady:0.0} s to accept connections (cold: initdb, first boot), {serverMemory:0} MiB at idle");
        Console.WriteLine($"dotnet run -> gateway healthy     {gateway:0.0} s ({gateway / serversReady:0.00}x the baseline)");
        Console.WriteLine($"dotnet run -> all healthy, cold   {all:0.0} s ({all / serversReady:0.00}x the baseline)");
        Console.WriteLine($"dotnet run -> all healthy, warm   {warm:0.0} s ({warm / serversReady:0.00}x the baseline)");
        Console.WriteLine($"SIGTERM -> everything stopped     {stop:0.0} s");
        Console.WriteLine($"memory at idle (PSS)              {total:0} MiB ({total / serverMemory:0.0}x the servers alone)");
        foreach (var (part, mib) in memory.OrderByDescending(pair => pair.Value)) Console.WriteLine($"  {part,-32}{mib,6:0} MiB");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            benchmark = "startup",
            runs,
            baseline_servers_ready_seconds = Math.Round(serversReady, 2),
            baseline_servers_memory_mib = Math.Round(serverMemory),
            gateway_healthy_seconds = Math.Round(gateway, 2),
            all_healthy_cold_seconds = Math.Round(all, 2),
            all_healthy_warm_seconds = Math.Round(warm, 2),
            ratio_cold_to_servers = Math.Round(all / serversReady, 3),
            ratio_warm_to_servers = Math.Round(warm / serversReady, 3),
            stop_seconds = Math.Round(stop, 2),
            memory_mib = Math.Round(total),
            memory_by_part_mib = memory.ToDictionary(pair => pair.Key, pair => Math.Round(pair.Value)),
            figures = new[]
            {
                BenchFigure.Checked("warm start to all healthy", BenchFigure.AnyPath, warm, "s", Servers, serversReady, "value <= baseline + 20 s", warm <= serversReady + 20),
                BenchFigure.Shown("cold start to all healthy", BenchFigure.AnyPath, all, "s", Servers, serversReady),
                BenchFigure.Shown("cold start to the gateway healthy", BenchFigure.AnyPath, gateway, "s", Servers, serversReady),
                BenchFigure.Shown("memory at idle (PSS)", BenchFigure.AnyPath, total, "MiB", "PostgreSQL and RabbitMQ alone, at idle", serverMemory),
                BenchFigure.Shown("stop after SIGTERM", BenchFigure.AnyPath, stop, "s"),
            },
        }));
        // The goal: Aspire and the services add no more than 20 s to what the servers need, warm.
        return warm <= serversReady + 20 ? 0 : 1;
    }

    private sealed record RunResult(ServersResult Servers, PlatformResult Platform);

    private sealed record ServersResult(TimeSpan Ready, long MemoryKiB);

    private sealed record PlatformResult(TimeSpan GatewayHealthy, TimeSpan AllHealthy, TimeSpan WarmAllHealthy, TimeSpan Stop, Dictionary<string, long> Memory);

    /// <summary>Both servers by <c>scripts/local-server.sh</c>, as the AppHost runs them, until each accepts a client.</summary>
    private static async Task<ServersResult> MeasureServersAsync(TimeSpan idle)
    {
        var data = LocalServer.NewDataDirectory("stockplatform-bench-");
        var password = "bench" + Guid.NewGuid().ToString("N")[..8];
        var (pgPort, amqpPort, distPort, epmdPort) = (LocalServer.FreePort(), LocalServer.FreePort(), LocalServer.FreePort(), LocalServer.FreePort());
        var clock = Stopwatch.StartNew();
        var postgres = LocalServer.Start("postgres", new Dictionary<string, string> { ["LOCAL_DATA_DIR"] = data, ["LOCAL_PORT"] = $"{pgPort}", ["LOCAL_PASSWORD"] = password });
        var rabbitmq = LocalServer.Start("rabbitmq", new Dictionary<string, string>
        {
            ["LOCAL_DATA_DIR"] = data, ["LOCAL_PORT"] = $"{amqpPort}", ["LOCAL_PASSWORD"] = password, ["LOCAL_USER"] = "bench",
            ["LOCAL_NODE_NAME"] = "bench@localhost", ["LOCAL_DIST_PORT"] = $"{distPort}", ["LOCAL_EPMD_PORT"] = $"{epmdPort}",
        });
        try
        {
            await Task.WhenAll(
                UntilAsync(async () =>
                {
                    await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={pgPort};Database=stockplatform;Username=postgres;Password={password};Pooling=false");
                    await connection.OpenAsync();
                }),
                UntilAsync(async () =>
                {
                    await using var connection = await new ConnectionFactory { Uri = new Uri($"amqp://bench:{password}@127.0.0.1:{amqpPort}") }.CreateConnectionAsync();
                }));
            var ready = clock.Elapsed;
            await Task.Delay(idle);
            var memory = ProcessTree.Below(postgres.Id, rabbitmq.Id).Sum(member => member.PssKiB);
            return new ServersResult(ready, memory);
        }
        finally
        {
            await postgres.DisposeAsync();
            await rabbitmq.DisposeAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<PlatformResult> MeasurePlatformAsync(string root, string configuration, TimeSpan idle)
    {
        var data = LocalServer.NewDataDirectory("stockplatform-bench-");
        try
        {
            var clock = Stopwatch.StartNew();
            var (gateway, all, memory, stop) = await RunPlatformAsync(root, configuration, data, clock, idle);
            clock.Restart();
            var (_, warm, _, _) = await RunPlatformAsync(root, configuration, data, clock, TimeSpan.Zero);
            return new PlatformResult(gateway, all, warm, stop, memory);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<(TimeSpan Gateway, TimeSpan All, Dictionary<string, long> Memory, TimeSpan Stop)> RunPlatformAsync(
        string root, string configuration, string data, Stopwatch clock, TimeSpan idle)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "run", "--project", Path.Combine(root, "AppHost"), "--no-build", "-c", configuration, "--no-launch-profile" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // A platform of its own beside any the user runs: its own data, every port free.
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = "http://localhost:0",
            ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = "http://localhost:0",
            ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
            ["DcpPublisher__RandomizePorts"] = "true",
            ["Infrastructure"] = "local",
            ["STOCKPLATFORM_DATA_DIR"] = data,
            ["Local__PostgresPort"] = "0",
            ["Local__RabbitMqPort"] = "0",
            ["Local__RabbitMqManagementPort"] = "0",
            ["Local__RabbitMqDistributionPort"] = "0",
            ["Local__EpmdPort"] = "0",
        })
        {
            start.Environment[key] = value;
        }

        using var launcher = Process.Start(start)!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        launcher.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        launcher.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        launcher.BeginOutputReadLine();
        launcher.BeginErrorReadLine();
        var table = Path.Combine(data, "run", "resources.tsv");
        TimeSpan? gateway = null;
        while (true)
        {
            if (launcher.HasExited) throw new InvalidOperationException("the AppHost exited:\n" + string.Join('\n', output.TakeLast(40)));
            if (clock.Elapsed > Timeout) throw new TimeoutException("the platform did not become healthy:\n" + string.Join('\n', output.TakeLast(40)));
            var rows = File.Exists(table) ? ReadRows(table) : [];
            if (gateway is null && rows.Any(row => row[0] == "gateway" && row[3] == "Healthy")) gateway = clock.Elapsed;
            if (gateway is not null && rows.All(row => row[2] == "Running" && row[3] == "Healthy")) break;
            await Task.Delay(100);
        }
        var all = clock.Elapsed;

        await Task.Delay(idle);
        // The orchestrator runs detached from the AppHost, watching it: its tree holds every resource.
        var appHost = int.Parse(File.ReadAllText(Path.Combine(data, "run", "apphost.pid")), CultureInfo.InvariantCulture);
        var platform = ProcessTree.Below([launcher.Id, .. ProcessTree.WithArgument($"--monitor {appHost} ")]);
        var memory = platform
            .GroupBy(member => PartOf(member.Command))
            .ToDictionary(group => group.Key, group => group.Sum(member => member.PssKiB));

        // The AppHost stops what it started, then exits (it waits for the cleanup).
        var tree = platform.Select(member => member.Pid).ToList();
        var stopping = Stopwatch.StartNew();
        Signal(appHost);
        await launcher.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token);
        while (tree.Any(pid => File.Exists($"/proc/{pid}/stat")) && stopping.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(100);
        return (gateway.Value, all, memory, stopping.Elapsed);
    }

    private static string PartOf(string command) => command switch
    {
        _ when command.Contains("StockPlatform.Gateway", StringComparison.Ordinal) => "gateway (with its dotnet run)",
        _ when command.Contains("StockPlatform.Ingestion", StringComparison.Ordinal) => "ingestion (with its dotnet run)",
        _ when command.Contains("StockPlatform.MarketSim", StringComparison.Ordinal) => "marketsim (with its dotnet run)",
        _ when command.Contains("postgres", StringComparison.Ordinal) => "postgresql",
        _ when command.Contains("beam", StringComparison.Ordinal) || command.Contains("rabbit", StringComparison.Ordinal)
            || command.Contains("erl_child_setup", StringComparison.Ordinal) || command.Contains("inet_gethost", StringComparison.Ordinal) => "rabbitmq",
        _ when command.Contains("Aspire.Dashboard", StringComparison.Ordinal) => "aspire dashboard",
        _ when command.Contains("/dcp ", StringComparison.Ordinal) || command.EndsWith("/dcp", StringComparison.Ordinal) => "aspire orchestrator (dcp)",
        _ => "apphost (with its dotnet run)",
    };

    private static List<string[]> ReadRows(string table)
    {
        try
        {
            return [.. File.ReadAllLines(table).Select(line => line.Split('\t'))];
        }
        catch (IOException)
        {
            return []; // replaced while we read it
        }
    }

    private static void Signal(int pid) => Process.Start("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();

    private static async Task UntilAsync(Func<Task> attempt)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            try
            {
                await attempt();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

}
