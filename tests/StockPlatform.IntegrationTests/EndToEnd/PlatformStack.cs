using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketSim;
using StockPlatform.MarketSim.Data;
using StockPlatform.Testing;

namespace StockPlatform.IntegrationTests.EndToEnd;

/// <summary>
/// The whole path for one test: its own database on the test PostgreSQL, MarketSim on a real
/// port, the ingestion agent as a child process and the gateway in-process, all on the test
/// RabbitMQ with queue names of their own (so concurrent tests never take each other's work).
/// </summary>
internal sealed class PlatformStack : IAsyncDisposable
{
    public const string KeyId = "e2e-key";
    public const string Secret = "e2e-secret";

    /// <summary>The gateway's API key in these tests; <see cref="Client"/> sends it.</summary>
    public const string ApiKey = "e2e-gateway-key";

    private readonly Dictionary<string, string> _agentEnvironment;

    private readonly ThrowawayDatabase _database;

    private readonly List<ServiceProcess> _extraAgents = [];
    private readonly List<string> _folders = [];

    private PlatformStack(ThrowawayDatabase database, WebApplication sim, WebApplicationFactory<Program> gateway, Dictionary<string, string> agentEnvironment)
    {
        _database = database;
        Sim = sim;
        Gateway = gateway;
        Client = gateway.CreateClient();
        Client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        _agentEnvironment = agentEnvironment;
    }

    public WebApplication Sim { get; }

    /// <summary>MarketSim's ground truth: exactly what its REST API serves.</summary>
    public SyntheticMarket Market => Sim.Services.GetRequiredService<SyntheticMarket>();

    public WebApplicationFactory<Program> Gateway { get; }

    public HttpClient Client { get; }

    public ServiceProcess? Agent { get; private set; }

    public string ConnectionString => _database.ConnectionString;

    /// <summary>The stack's exchange namespace: its services hear each other's events and no other stack's.</summary>
    public string Namespace => _agentEnvironment["Messaging__Namespace"];

    /// <summary>
    /// Starts the stack. <paramref name="agentSettings"/> go into every agent's environment,
    /// <paramref name="gatewaySettings"/> into the gateway's configuration (telemetry tests pass
    /// their OTLP endpoint in both). Each service is named for OpenTelemetry as the AppHost names it.
    /// </summary>
    public static async Task<PlatformStack> StartAsync(Dictionary<string, string?>? simSettings = null, string agentSecret = Secret, int windowDays = 7,
        RequestLog? requestLog = null, Dictionary<string, string>? agentSettings = null, Dictionary<string, string>? gatewaySettings = null)
    {
        var database = await ThrowawayDatabase.CreateAsync(TestServers.PostgresConnectionString, "e2e_", TestServers.Hint);

        var simConfig = new Dictionary<string, string?>
        {
            ["MarketSim:KeyId"] = KeyId,
            ["MarketSim:SecretKey"] = Secret,
            ["MarketSim:RateLimit:RequestsPerWindow"] = "100000",
        };
        foreach (var (key, value) in simSettings ?? []) simConfig[key] = value;
        var sim = MarketSimApp.Create([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration.AddInMemoryCollection(simConfig);
            builder.Logging.ClearProviders();
            if (requestLog is not null) builder.Services.AddSingleton<IStartupFilter>(requestLog);
        });
        await sim.StartAsync();

        var prefix = "e2e" + Guid.NewGuid().ToString("N")[..8];
        var simUrl = sim.Urls.Single();
        var agentEnvironment = new Dictionary<string, string>
        {
            ["ConnectionStrings__stockplatform"] = database.ConnectionString,
            ["ConnectionStrings__messaging"] = TestServers.MessagingConnectionString,
            ["Messaging__EndpointPrefix"] = prefix,
            ["Messaging__Namespace"] = prefix,
            ["ALPACA_KEY_ID"] = KeyId,
            ["ALPACA_SECRET_KEY"] = agentSecret,
            ["ALPACA_DATA_URL"] = simUrl,
            ["ALPACA_TRADING_URL"] = simUrl,
            ["Alpaca__RetryBaseDelay"] = "00:00:00.200",
            ["Alpaca__RetryMaxDelay"] = "00:00:02",
            // Short enough that a killed agent's windows are taken over, and failed attempts
            // retried, within a test's patience.
            ["Ingestion__TaskLease"] = "00:00:06",
            ["Ingestion__UnsentTaskGrace"] = "00:00:05",
            ["Ingestion__SweepInterval"] = "00:00:01",
            ["Ingestion__RetryBaseDelay"] = "00:00:01",
            ["Logging__LogLevel__Default"] = "Warning",
            // What each batch claimed and planned, for a test's assertions and a timeout's explanation.
            ["Logging__LogLevel__StockPlatform.Ingestion.Backfill"] = "Information",
            ["DOTNET_ENVIRONMENT"] = "Development",
        };
        foreach (var (key, value) in agentSettings ?? []) agentEnvironment[key] = value;

        var gateway = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:stockplatform", database.ConnectionString);
            web.UseSetting("ConnectionStrings:messaging", TestServers.MessagingConnectionString);
            web.UseSetting("Messaging:EndpointPrefix", prefix + "gw");
            web.UseSetting("Messaging:Namespace", prefix);
            web.UseSetting("Ingest:WindowDays", windowDays.ToString(System.Globalization.CultureInfo.InvariantCulture));
            web.UseSetting("STOCKPLATFORM_MARKET_DATA", "MarketSim (synthetic data)");
            web.UseSetting("GATEWAY_API_KEY", ApiKey);
            web.UseSetting("OTEL_SERVICE_NAME", "gateway");
            // The gateway measures the agents' queues, whose prefix is not its own here.
            web.UseSetting("QueueDepth:EndpointPrefix", prefix);
            foreach (var (key, value) in gatewaySettings ?? []) web.UseSetting(key, value);
        });

        var stack = new PlatformStack(database, sim, gateway, agentEnvironment);
        await stack.StartAgentAsync();
        return stack;
    }

    /// <summary>Starts (or starts again) the ingestion agent and waits for it to be healthy (or, <paramref name="paused"/>, degraded: its work queue stopped).</summary>
    public async Task StartAgentAsync(bool paused = false)
    {
        if (Agent is { HasExited: false }) throw new InvalidOperationException("the agent is already running");
        if (Agent is not null) await Agent.DisposeAsync();
        Agent = ServiceProcess.Start(Path.Combine("Services", "StockPlatform.Ingestion"), "StockPlatform.Ingestion", Named("ingestion"));
        await Agent.WaitHealthyAsync(TimeSpan.FromSeconds(90), degradedWillDo: paused);
    }

    /// <summary>Starts another ingestion agent on the same queues (disposed with the stack) and waits for it to be healthy.</summary>
    public async Task<ServiceProcess> StartExtraAgentAsync()
    {
        var agent = ServiceProcess.Start(Path.Combine("Services", "StockPlatform.Ingestion"), "StockPlatform.Ingestion", Named("ingestion"));
        _extraAgents.Add(agent);
        await agent.WaitHealthyAsync(TimeSpan.FromSeconds(90));
        return agent;
    }

    /// <summary>
    /// Starts a live updater on this stack's MarketSim stream (its WebSocket at <c>/v2/{feed}</c>),
    /// disposed with the stack, and waits for it to be healthy.
    /// </summary>
    public async Task<ServiceProcess> StartLiveStreamAsync(Dictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>(Named("livestream"))
        {
            ["ALPACA_STREAM_URL"] = Sim.Urls.Single().Replace("http://", "ws://", StringComparison.Ordinal) + "/v2/{feed}",
            ["LiveStream__BatchWindow"] = "00:00:00.050",
            ["LiveStream__LeaderRetry"] = "00:00:00.500",
            ["Logging__LogLevel__StockPlatform.LiveStream"] = "Information",
        };
        foreach (var (key, value) in settings ?? []) environment[key] = value;
        var agent = ServiceProcess.Start(Path.Combine("Services", "StockPlatform.LiveStream"), "StockPlatform.LiveStream", environment);
        _extraAgents.Add(agent);
        await agent.WaitHealthyAsync(TimeSpan.FromSeconds(90));
        return agent;
    }

    /// <summary>Starts the feature agent on this stack (its archive in a folder of the stack's own), disposed with the stack.</summary>
    public async Task<ServiceProcess> StartFeatureAgentAsync()
    {
        var environment = new Dictionary<string, string>(Named("features"))
        {
            ["Archive__Root"] = Path.Combine(Path.GetTempPath(), "sp-e2e-archive-" + Guid.NewGuid().ToString("N")),
            ["Features__BatchWait"] = "00:00:00.300",
        };
        _folders.Add(environment["Archive__Root"]);
        var agent = ServiceProcess.Start(Path.Combine("Services", "StockPlatform.Features"), "StockPlatform.Features", environment);
        _extraAgents.Add(agent);
        await agent.WaitHealthyAsync(TimeSpan.FromSeconds(90));
        return agent;
    }

    /// <summary>The agents' environment, with the service name the AppHost gives <paramref name="service"/>.</summary>
    private Dictionary<string, string> Named(string service) => new(_agentEnvironment) { ["OTEL_SERVICE_NAME"] = service };

    /// <summary>Posts a job of several symbols (<c>POST /jobs</c>; <paramref name="data"/>: what it fetches, bars when null) and returns the job id.</summary>
    public async Task<Guid> StartJobAsync(IReadOnlyList<string> symbols, string start, string end, IReadOnlyList<string>? data = null)
    {
        using var response = await Client.PostAsJsonAsync("/jobs", new { symbols, start, end, feed = "iex", data });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST /jobs answered {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("job_id").GetGuid();
    }

    /// <summary>Posts an ingest request and returns the job id.</summary>
    public async Task<Guid> IngestAsync(string symbol, string start, string end)
    {
        using var response = await Client.PostAsync($"/ingest/{symbol}?start={start}&end={end}&feed=iex", null);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST /ingest/{symbol} answered {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("job_id").GetGuid();
    }

    /// <summary>The job as <c>GET /jobs/{id}</c> shows it.</summary>
    public Task<JsonElement> GetJobAsync(Guid id) => GetJsonAsync($"/jobs/{id}");

    /// <summary>A gateway answer's JSON body.</summary>
    public async Task<JsonElement> GetJsonAsync(string url)
    {
        using var json = JsonDocument.Parse(await Client.GetStringAsync(url));
        return json.RootElement.Clone();
    }

    /// <summary>Polls the job until it succeeds or fails; the agent's recent output explains a timeout.</summary>
    public async Task<JsonElement> WaitForJobAsync(Guid id, TimeSpan timeout, Func<JsonElement, bool>? until = null)
    {
        until ??= job => job.GetProperty("status").GetString() is "succeeded" or "failed";
        var deadline = DateTime.UtcNow + timeout;
        JsonElement job;
        do
        {
            job = await GetJobAsync(id);
            if (until(job)) return job;
            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"job {id} is still {job}. Agent output:\n{Agent?.Tail(200)}");
    }

    /// <summary>Every 1-minute bar of a symbol from <c>start</c> to <c>end</c> (New York dates) as the gateway serves them, page after page.</summary>
    public async Task<List<Bar>> ReadMinutesAsync(string symbol, string start, string end)
    {
        var stored = new List<Bar>();
        string? token = null;
        do
        {
            var url = $"/bars/{symbol}?interval=1m&start={start}&end={end}&limit=10000" + (token is null ? string.Empty : $"&page_token={token}");
            var body = await Client.GetStringAsync(url);
            stored.AddRange(GatewayBars.Parse(body));
            using var json = JsonDocument.Parse(body);
            token = json.RootElement.GetProperty("next_page_token").GetString();
        }
        while (token is not null);
        return stored;
    }

    /// <summary>MarketSim's 1-minute iex bars of a symbol from <c>start</c> to <c>end</c> (New York dates): what a backfill must store.</summary>
    public List<Bar> MarketMinutes(string symbol, string start, string end) =>
        [.. Market.GetBars(symbol, "iex", BarInterval.OneMinute,
            NewYorkTime.StartOfDay(DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture)),
            NewYorkTime.StartOfDay(DateOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture).AddDays(1)).AddTicks(-1))];

    /// <summary>Rows stored in bars_1m for a symbol.</summary>
    public Task<long> CountBarsAsync(string symbol) => CountRowsAsync("bars_1m", symbol);

    /// <summary>Rows stored in a table (bars_1m, trades, quotes) for a symbol.</summary>
    public async Task<long> CountRowsAsync(string table, string symbol)
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand($"SELECT count(*) FROM {table} WHERE symbol = @symbol");
        command.Parameters.AddWithValue("symbol", symbol);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        if (Agent is not null) await Agent.DisposeAsync();
        foreach (var agent in _extraAgents) await agent.DisposeAsync();
        foreach (var folder in _folders.Where(Directory.Exists)) Directory.Delete(folder, recursive: true);
        Client.Dispose();
        await Gateway.DisposeAsync();
        await Sim.DisposeAsync();
        await _database.DisposeAsync();
    }
}
