using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using StockPlatform.Testing;

namespace StockPlatform.AppHost.Tests.Support;

/// <summary>
/// The whole platform as <c>dotnet run --project AppHost</c> starts it on a machine without
/// containers (Infrastructure=local): this machine's PostgreSQL and RabbitMQ as executables, in a
/// data directory of the test's own, every port picked free, and the Aspire dashboard with a known
/// telemetry API key. Started once for the tests that share it.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LocalPlatform : IAsyncLifetime
{
    /// <summary>Every resource the local platform declares, infrastructure first.</summary>
    public static readonly string[] ResourceNames = ["postgres", "rabbitmq", "stockplatform", "messaging", "marketsim", "ingestion", "livestream", "features", "gateway", "frontend"];

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    private readonly string _dashboardApiKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<string> _gatewayLog = new();

    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("the platform has not started");

    public string DataDirectory { get; } = LocalServer.NewDataDirectory("stockplatform-apphost-");

    public HttpClient Gateway { get; private set; } = null!;

    /// <summary>The key the gateway requires for changes; its client sends it.</summary>
    public string GatewayApiKey { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>The dashboard's telemetry API (<c>/api/telemetry/*</c>), authenticated.</summary>
    public HttpClient Dashboard { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.StockPlatform_AppHost>(
            [
                "Infrastructure=local",
                $"Local:DataDirectory={DataDirectory}",
                "Local:PostgresPort=0",
                "Local:RabbitMqPort=0",
                "Local:RabbitMqManagementPort=0",
                "Local:RabbitMqDistributionPort=0",
                "Local:EpmdPort=0",
                // Given here, the keys are never generated into the AppHost's user secrets, where another
                // AppHost starting meanwhile would overwrite them under a running dashboard.
                $"AppHost:DashboardApiKey={_dashboardApiKey}",
                $"AppHost:OtlpApiKey={Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}",
                $"Parameters:gateway-api-key={GatewayApiKey}",
            ],
            (options, _) => options.DisableDashboard = false,
            timeout.Token);
        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
        try
        {
            foreach (var name in ResourceNames)
            {
                await _app.ResourceNotifications.WaitForResourceHealthyAsync(name, WaitBehavior.StopOnResourceUnavailable, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or DistributedApplicationException)
        {
            throw new TimeoutException($"the local platform did not become healthy:\n{DescribeResources()}\n{Tail("postgres.log")}", ex);
        }

        _ = CollectGatewayLogAsync(_app.Services.GetRequiredService<ResourceLoggerService>());
        Gateway = new HttpClient(new ServerErrorDetails(GatewayLogTail)) { BaseAddress = _app.GetEndpoint("gateway", "http") };
        Gateway.Timeout = TimeSpan.FromSeconds(30);
        Gateway.DefaultRequestHeaders.Add("X-Api-Key", GatewayApiKey);
        Dashboard = new HttpClient { BaseAddress = _app.GetEndpoint("aspire-dashboard", "http"), Timeout = TimeSpan.FromSeconds(30) };
        Dashboard.DefaultRequestHeaders.Add("x-api-key", _dashboardApiKey);
    }

    /// <summary>The gateway's last error lines, for failure messages (CI shows only a failure's first lines).</summary>
    public string GatewayLogTail() =>
        string.Join('\n', _gatewayLog.Where(line => line.Contains("\"level\":\"Error\"", StringComparison.Ordinal) || line.Contains("Exception", StringComparison.Ordinal))
            .TakeLast(5).Select(line => line.Length > 1500 ? line[..1500] + "…" : line));

    private async Task CollectGatewayLogAsync(ResourceLoggerService logs)
    {
        try
        {
            await foreach (var batch in logs.WatchAsync("gateway").WithCancellation(_stopping.Token))
            {
                foreach (var line in batch) _gatewayLog.Enqueue(line.Content);
                while (_gatewayLog.Count > 500) _gatewayLog.TryDequeue(out _);
            }
        }
        catch (OperationCanceledException)
        {
            // The platform is stopping.
        }
    }

    /// <summary>The state and health of every resource, for failure messages.</summary>
    public string DescribeResources()
    {
        var lines = new StringBuilder();
        foreach (var name in ResourceNames)
        {
            lines.AppendLine(App.ResourceNotifications.TryGetCurrentState(name, out var update)
                ? $"{name}: {update.Snapshot.State?.Text} {update.Snapshot.HealthStatus} exit={update.Snapshot.ExitCode}"
                : $"{name}: no state");
        }
        return lines.ToString();
    }

    /// <summary>The generated passwords of the local servers (<c>secrets.env</c> in the data directory).</summary>
    public IReadOnlyDictionary<string, string> Secrets => File.ReadAllLines(Path.Combine(DataDirectory, "secrets.env"))
        .Select(line => line.Split('=', 2))
        .ToDictionary(parts => parts[0], parts => parts[1]);

    private string Tail(string logFile)
    {
        var path = Path.Combine(DataDirectory, "logs", logFile + ".initdb");
        return File.Exists(path) ? string.Join('\n', File.ReadLines(path).TakeLast(20)) : string.Empty;
    }

    public async Task DisposeAsync()
    {
        await _stopping.CancelAsync();
        Gateway?.Dispose();
        Dashboard?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        Directory.Delete(DataDirectory, recursive: true);
    }
}
