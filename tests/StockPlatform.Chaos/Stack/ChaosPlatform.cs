using System.Net.Http.Json;
using System.Runtime.Versioning;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StockPlatform.Chaos.Plan;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketSim;
using StockPlatform.MarketSim.Clock;
using StockPlatform.MarketSim.Data;
using StockPlatform.MarketSim.Faults;
using StockPlatform.Testing;

namespace StockPlatform.Chaos.Stack;

/// <summary>
/// The whole platform on the run's own servers: MarketSim in-process (its ground truth and its
/// runtime faults at hand) on an accelerated stream clock, and the gateway, two ingestion agents,
/// the live updater and the feature agent as processes, each in a named slot so a kill and the
/// restart after it are one call each. Every process a slot ever ran is kept, for counting what
/// their logs say (retries, drops, fills) and for explaining a failure.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class ChaosPlatform : IAsyncDisposable
{
    public const string KeyId = "chaos-key";
    public const string Secret = "chaos-secret";
    public const string ApiKey = "chaos-gateway-key";

    private static readonly TimeSpan Healthy = TimeSpan.FromSeconds(120);

    private readonly Dictionary<string, Slot> _slots;
    private readonly string _archive;

    private ChaosPlatform(ChaosServers servers, WebApplication sim, Dictionary<string, Slot> slots, string archive)
    {
        Servers = servers;
        Sim = sim;
        _slots = slots;
        _archive = archive;
    }

    public ChaosServers Servers { get; }

    public WebApplication Sim { get; }

    /// <summary>MarketSim's ground truth: exactly what its REST API and stream serve.</summary>
    public SyntheticMarket Market => Sim.Services.GetRequiredService<SyntheticMarket>();

    public SimulatedClock Clock => Sim.Services.GetRequiredService<SimulatedClock>();

    public RuntimeFaults Faults => Sim.Services.GetRequiredService<RuntimeFaults>();

    /// <summary>The slot names: <c>gateway</c> and the agents of <see cref="FaultPlan.Agents"/>.</summary>
    public IReadOnlyCollection<string> SlotNames => _slots.Keys;

    /// <summary>Starts MarketSim and every service, and waits until each is healthy.</summary>
    public static async Task<ChaosPlatform> StartAsync(ChaosServers servers, ChaosProfile profile)
    {
        var sim = MarketSimApp.Create([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["MarketSim:KeyId"] = KeyId,
                ["MarketSim:SecretKey"] = Secret,
                ["MarketSim:RateLimit:RequestsPerWindow"] = "100000",
                ["MarketSim:Stream:Speed"] = profile.StreamSpeed.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["MarketSim:Stream:Start"] = ChaosProfile.StreamStart.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            });
            builder.Logging.ClearProviders();
        });
        await sim.StartAsync();

        var simUrl = sim.Urls.Single();
        var prefix = "chaos";
        var archive = Path.Combine(servers.Directory, "archive");
        var common = new Dictionary<string, string>
        {
            ["ConnectionStrings__stockplatform"] = servers.PostgresConnectionString,
            ["ConnectionStrings__messaging"] = servers.MessagingConnectionString,
            ["Messaging__EndpointPrefix"] = prefix,
            ["Messaging__Namespace"] = prefix,
            ["ALPACA_KEY_ID"] = KeyId,
            ["ALPACA_SECRET_KEY"] = Secret,
            ["ALPACA_DATA_URL"] = simUrl,
            ["ALPACA_TRADING_URL"] = simUrl,
            ["Alpaca__RetryBaseDelay"] = "00:00:00.200",
            ["Alpaca__RetryMaxDelay"] = "00:00:02",
            // A killed agent's windows are taken over, and failed attempts retried, within the run.
            ["Ingestion__TaskLease"] = "00:00:06",
            ["Ingestion__UnsentTaskGrace"] = "00:00:05",
            ["Ingestion__SweepInterval"] = "00:00:01",
            ["Ingestion__RetryBaseDelay"] = "00:00:01",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__StockPlatform.Ingestion.Backfill"] = "Information",
            ["Logging__LogLevel__StockPlatform.LiveStream"] = "Information",
            ["DOTNET_ENVIRONMENT"] = "Development",
        };
        Dictionary<string, string> Named(string service, Dictionary<string, string>? extra = null)
        {
            var environment = new Dictionary<string, string>(common) { ["OTEL_SERVICE_NAME"] = service };
            foreach (var (key, value) in extra ?? []) environment[key] = value;
            return environment;
        }

        var ingestion = Path.Combine("Services", "StockPlatform.Ingestion");
        var slots = new Dictionary<string, Slot>
        {
            ["gateway"] = new("Gateway", "StockPlatform.Gateway", Named("gateway", new()
            {
                ["Messaging__EndpointPrefix"] = prefix + "gw",
                ["Ingest__WindowDays"] = "7",
                ["STOCKPLATFORM_MARKET_DATA"] = "MarketSim (synthetic data)",
                ["GATEWAY_API_KEY"] = ApiKey,
                ["QueueDepth__EndpointPrefix"] = prefix,
            })),
            ["ingestion-1"] = new(ingestion, "StockPlatform.Ingestion", Named("ingestion")),
            ["ingestion-2"] = new(ingestion, "StockPlatform.Ingestion", Named("ingestion")),
            ["livestream"] = new(Path.Combine("Services", "StockPlatform.LiveStream"), "StockPlatform.LiveStream", Named("livestream", new()
            {
                ["ALPACA_STREAM_URL"] = simUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/v2/{feed}",
                ["LiveStream__BatchWindow"] = "00:00:00.050",
                ["LiveStream__LeaderRetry"] = "00:00:00.500",
                ["Alpaca__StreamReconnectDelay"] = "00:00:00.300",
                ["Alpaca__StreamMaxReconnectDelay"] = "00:00:01.500",
            })),
            ["features"] = new(Path.Combine("Services", "StockPlatform.Features"), "StockPlatform.Features", Named("features", new()
            {
                ["Archive__Root"] = archive,
                ["Features__BatchWait"] = "00:00:00.300",
            })),
        };
        var platform = new ChaosPlatform(servers, sim, slots, archive);
        try
        {
            // The gateway first: it migrates the schema the agents then find in place.
            await platform.StartAsync("gateway");
            await Task.WhenAll(FaultPlan.Agents.Select(platform.StartAsync));
            return platform;
        }
        catch
        {
            await platform.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client of the gateway that sends the API key.</summary>
    public HttpClient CreateClient()
    {
        var client = new HttpClient { BaseAddress = _slots["gateway"].Current!.Url, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return client;
    }

    /// <summary>True while the slot's process runs.</summary>
    public bool IsRunning(string slot) => _slots[slot].Current is { HasExited: false };

    /// <summary>Kills the slot's process at once (SIGKILL), as a crash would; false when it was not running.</summary>
    public bool Kill(string slot)
    {
        var current = _slots[slot].Current;
        if (current is null || current.HasExited) return false;
        current.Kill();
        return true;
    }

    /// <summary>Starts the slot's service (again) and waits until it is healthy.</summary>
    public async Task StartAsync(string slot)
    {
        var definition = _slots[slot];
        if (definition.Current is { HasExited: false }) throw new InvalidOperationException($"{slot} is already running");
        var process = ServiceProcess.Start(definition.Project, definition.Assembly, definition.Environment);
        definition.Current = process;
        lock (definition.History) definition.History.Add(process);
        await process.WaitHealthyAsync(Healthy);
    }

    /// <summary>Lines written by every process the slots ran, killed ones included.</summary>
    public IEnumerable<(string Slot, string Line)> AllOutput() =>
        _slots.SelectMany(slot => Snapshot(slot.Value).SelectMany(process => process.Output.Select(line => (slot.Key, line))));

    /// <summary>Writes every process's output, killed ones included, to <c>{slot}-{n}.log</c> files in <paramref name="directory"/>.</summary>
    public void SaveOutput(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var (name, slot) in _slots)
        {
            var processes = Snapshot(slot);
            for (var i = 0; i < processes.Count; i++) File.WriteAllLines(Path.Combine(directory, $"{name}-{i + 1}.log"), processes[i].Output);
        }
    }

    /// <summary>How many lines of every process contain <paramref name="text"/>.</summary>
    public int Count(string text) => AllOutput().Count(entry => entry.Line.Contains(text, StringComparison.Ordinal));

    /// <summary>Processes started in a slot.</summary>
    public int Starts(string slot) => Snapshot(_slots[slot]).Count;

    /// <summary>The last lines of a slot's current process, for failure messages.</summary>
    public string Tail(string slot, int lines = 40) => _slots[slot].Current?.Tail(lines) ?? "(never started)";

    /// <summary>POST /jobs: a bars backfill of several symbols; returns the job id.</summary>
    public async Task<Guid> StartJobAsync(HttpClient client, IReadOnlyList<string> symbols, DateOnly start, DateOnly end)
    {
        using var response = await client.PostAsJsonAsync("/jobs", new { symbols, start = start.ToString("O"), end = end.ToString("O"), feed = "iex" });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST /jobs answered {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("job_id").GetGuid();
    }

    /// <summary>Every stored 1-minute bar of a symbol from <paramref name="start"/> to <paramref name="end"/> (UTC instants) as the gateway serves them.</summary>
    public static async Task<List<Bar>> ReadMinutesAsync(HttpClient client, string symbol, DateTimeOffset start, DateTimeOffset end)
    {
        var stored = new List<Bar>();
        string? token = null;
        var range = $"start={start.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}&end={end.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}";
        do
        {
            var body = await client.GetStringAsync($"/bars/{symbol}?interval=1m&{range}&limit=10000" + (token is null ? string.Empty : $"&page_token={token}"));
            stored.AddRange(GatewayBars.Parse(body));
            using var json = JsonDocument.Parse(body);
            token = json.RootElement.GetProperty("next_page_token").GetString();
        }
        while (token is not null);
        return stored;
    }

    /// <summary>MarketSim's 1-minute iex bars of a symbol in [start, end].</summary>
    public List<Bar> Truth(string symbol, DateTimeOffset start, DateTimeOffset end) =>
        [.. Market.GetBars(symbol, "iex", BarInterval.OneMinute, start, end)];

    /// <summary>The first instant of a New York date and the last tick of another: a backfill's range as instants.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Instants(DateOnly start, DateOnly end) =>
        (NewYorkTime.StartOfDay(start), NewYorkTime.StartOfDay(end.AddDays(1)).AddTicks(-1));

    private static List<ServiceProcess> Snapshot(Slot slot)
    {
        lock (slot.History) return [.. slot.History];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var slot in _slots.Values)
            foreach (var process in Snapshot(slot)) await process.DisposeAsync();
        await Sim.DisposeAsync();
        if (Directory.Exists(_archive)) Directory.Delete(_archive, recursive: true);
    }

    private sealed class Slot(string project, string assembly, Dictionary<string, string> environment)
    {
        public string Project { get; } = project;

        public string Assembly { get; } = assembly;

        public Dictionary<string, string> Environment { get; } = environment;

        public ServiceProcess? Current { get; set; }

        public List<ServiceProcess> History { get; } = [];
    }
}
