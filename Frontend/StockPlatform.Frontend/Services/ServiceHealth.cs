namespace StockPlatform.Frontend.Services;

/// <summary>One service's health as its <c>/health</c> endpoint answered (or why it did not).</summary>
public sealed record ServiceStatus(string Name, string Health, string? Detail)
{
    public bool IsHealthy => Health == "Healthy";
}

/// <summary>
/// Asks each platform service this dashboard knows of (the names service discovery has
/// endpoints for: the AppHost passes them) for its <c>/health</c>: whether it is up and can reach
/// its servers. What the agents are doing is their heartbeats' part (the Agents page).
/// </summary>
public sealed class ServiceHealth(IHttpClientFactory clients, IConfiguration configuration)
{
    public const string ClientName = "service-health";

    private static readonly string[] Known = ["gateway", "ingestion", "livestream", "features", "marketsim"];

    /// <summary>
    /// The services configured here (services:{name} sections with an address), in a fixed order.
    /// An empty address is a service left out (compose without MarketSim), not one that is down.
    /// </summary>
    public IReadOnlyList<string> Services => [.. Known.Where(name =>
        configuration.GetSection($"services:{name}").AsEnumerable().Any(pair => !string.IsNullOrWhiteSpace(pair.Value)))];

    public async Task<IReadOnlyList<ServiceStatus>> CheckAsync(CancellationToken cancellationToken = default) =>
        await Task.WhenAll(Services.Select(name => CheckAsync(name, cancellationToken)));

    private async Task<ServiceStatus> CheckAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            using var http = clients.CreateClient(ClientName);
            using var response = await http.GetAsync(new Uri($"https+http://{name}/health"), cancellationToken);
            var body = (await response.Content.ReadAsStringAsync(cancellationToken)).Trim();
            return new ServiceStatus(name, body is "Healthy" or "Degraded" or "Unhealthy" ? body : $"HTTP {(int)response.StatusCode}", null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            return new ServiceStatus(name, "Unreachable", ex.Message);
        }
    }
}
