using StockPlatform.Testing;

namespace StockPlatform.Bench.Support;

/// <summary>
/// Our services as processes (their builds in the bench's own configuration) on one temporary
/// database and RabbitMQ, with exchange and queue names of their own so concurrent runs never
/// share work: the gateway, and the ingestion, live stream and feature agents, wired to an
/// in-process MarketSim as the AppHost wires them to Alpaca. Disposing kills what was started.
/// </summary>
internal sealed class BenchServices : IAsyncDisposable
{
    /// <summary>The key the gateway requires for changes; <see cref="Client"/> sends it.</summary>
    public const string ApiKey = "bench-gateway-key";

    private readonly Dictionary<string, string> _shared;
    private readonly string _prefix;
    private readonly List<(string Name, ServiceProcess Process)> _started = [];
    private readonly List<string> _folders = [];
    private readonly Dictionary<string, int> _linesAtHealthy = [];

    /// <param name="connectionString">The temporary database.</param>
    /// <param name="messaging">RabbitMQ's URI.</param>
    /// <param name="simUrl">MarketSim's base URL (its port may be chosen before it starts).</param>
    public BenchServices(string connectionString, string messaging, string simUrl)
    {
        SimUrl = simUrl;
        _prefix = "bench" + Guid.NewGuid().ToString("N")[..8];
        _shared = new Dictionary<string, string>
        {
            ["ConnectionStrings__stockplatform"] = connectionString,
            ["ConnectionStrings__messaging"] = messaging,
            ["Messaging__Namespace"] = _prefix,
            ["Logging__LogLevel__Default"] = "Warning",
        };
    }

    public string SimUrl { get; }

    /// <summary>Every service started, by name (gateway, ingestion, livestream, features).</summary>
    public IReadOnlyList<(string Name, ServiceProcess Process)> Started => _started;

    /// <summary>The gateway, once started.</summary>
    public ServiceProcess? Gateway { get; private set; }

    /// <summary>A client of the gateway sending the API key, once it is started.</summary>
    public HttpClient? Client { get; private set; }

    /// <summary>Starts the gateway; <paramref name="settings"/> add to its environment.</summary>
    public ServiceProcess StartGateway(IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = Environment("gateway", settings);
        environment["Messaging__EndpointPrefix"] = _prefix + "gw";
        // The gateway measures the agents' queues, whose prefix is not its own.
        environment["QueueDepth__EndpointPrefix"] = _prefix;
        environment["GATEWAY_API_KEY"] = ApiKey;
        Gateway = Start("gateway", "Gateway", "StockPlatform.Gateway", environment);
        Client = new HttpClient { BaseAddress = Gateway.Url, Timeout = TimeSpan.FromSeconds(60) };
        Client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return Gateway;
    }

    /// <summary>Starts the backfill agent against MarketSim's REST API.</summary>
    public ServiceProcess StartIngestion(IReadOnlyDictionary<string, string>? settings = null) =>
        Start("ingestion", Path.Combine("Services", "StockPlatform.Ingestion"), "StockPlatform.Ingestion", Agent("ingestion", settings));

    /// <summary>Starts the live updater on MarketSim's WebSocket stream.</summary>
    public ServiceProcess StartLiveStream(IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = Agent("livestream", settings);
        environment.TryAdd("ALPACA_STREAM_URL", SimUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/v2/{feed}");
        return Start("livestream", Path.Combine("Services", "StockPlatform.LiveStream"), "StockPlatform.LiveStream", environment);
    }

    /// <summary>Starts the feature builder and archiver, its archive in a temporary folder removed on disposal.</summary>
    public ServiceProcess StartFeatures(IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = Environment("features", settings);
        environment["Messaging__EndpointPrefix"] = _prefix;
        var folder = Path.Combine(Path.GetTempPath(), "sp-bench-archive-" + Guid.NewGuid().ToString("N"));
        _folders.Add(folder);
        environment.TryAdd("Archive__Root", folder);
        return Start("features", Path.Combine("Services", "StockPlatform.Features"), "StockPlatform.Features", environment);
    }

    /// <summary>
    /// Waits until every started service is healthy. What they wrote until then is start-up (the
    /// health checks log an error while the bus is still starting), which <see cref="Lines"/> skips.
    /// </summary>
    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        await Task.WhenAll(_started.Select(s => s.Process.WaitHealthyAsync(timeout)));
        foreach (var (name, process) in _started) _linesAtHealthy.TryAdd(name + process.ProcessId, process.Output.Count);
    }

    /// <summary>
    /// The lines services wrote at one of <paramref name="levels"/> (their JSON console lines' <c>level</c>)
    /// once healthy, with the service's name; an unhandled exception's text counts as Critical.
    /// </summary>
    public IEnumerable<(string Service, string Line)> Lines(params string[] levels) =>
        _started.SelectMany(s => s.Process.Output.Skip(_linesAtHealthy.GetValueOrDefault(s.Name + s.Process.ProcessId))
            .Where(line => levels.Any(level => line.Contains($"\"level\":\"{level}\"", StringComparison.Ordinal))
                || (levels.Contains("Critical") && line.StartsWith("Unhandled exception", StringComparison.Ordinal)))
            .Select(line => (s.Name, line)));

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        foreach (var (_, process) in Enumerable.Reverse(_started)) await process.DisposeAsync();
        foreach (var folder in _folders.Where(Directory.Exists))
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A temporary folder left behind is harmless.
            }
        }
    }

    private Dictionary<string, string> Agent(string name, IReadOnlyDictionary<string, string>? settings)
    {
        var environment = Environment(name, settings);
        environment["Messaging__EndpointPrefix"] = _prefix;
        environment.TryAdd("ALPACA_KEY_ID", BenchMarketSim.KeyId);
        environment.TryAdd("ALPACA_SECRET_KEY", BenchMarketSim.Secret);
        environment.TryAdd("ALPACA_DATA_URL", SimUrl);
        environment.TryAdd("ALPACA_TRADING_URL", SimUrl);
        return environment;
    }

    private Dictionary<string, string> Environment(string name, IReadOnlyDictionary<string, string>? settings)
    {
        var environment = new Dictionary<string, string>(_shared) { ["OTEL_SERVICE_NAME"] = name };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) environment[key] = value;
        return environment;
    }

    private ServiceProcess Start(string name, string project, string assembly, Dictionary<string, string> environment)
    {
        var process = ServiceProcess.Start(project, assembly, environment);
        _started.Add((name, process));
        return process;
    }
}
