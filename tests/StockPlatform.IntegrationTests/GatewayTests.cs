using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace StockPlatform.IntegrationTests;

public class GatewayTests
{
    private static WebApplicationFactory<Program> CreateGateway(string? postgres = null) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:stockplatform", postgres ?? TestServers.PostgresConnectionString);
            web.UseSetting("ConnectionStrings:messaging", TestServers.MessagingConnectionString);
            web.UseSetting("STOCKPLATFORM_MARKET_DATA", "MarketSim (synthetic data)");
        });

    private static async Task<(HttpStatusCode Status, string Body)> WaitForHealthAsync(HttpClient client, string path, string expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var response = await client.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            if (body == expected || DateTime.UtcNow > deadline) return (response.StatusCode, body);
            await Task.Delay(250);
        }
    }

    [Fact]
    public async Task The_gateway_is_healthy_when_postgres_and_rabbitmq_are_reachable()
    {
        await using var gateway = CreateGateway();
        using var client = gateway.CreateClient();

        var (status, body) = await WaitForHealthAsync(client, "/health", "Healthy", TimeSpan.FromSeconds(60));

        Assert.Equal("Healthy", body);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Without_postgres_the_gateway_is_alive_but_not_ready()
    {
        await using var gateway = CreateGateway("Host=127.0.0.1;Port=1;Database=stockplatform;Username=postgres;Password=x;Timeout=2");
        using var client = gateway.CreateClient();

        var (status, body) = await WaitForHealthAsync(client, "/health", "Unhealthy", TimeSpan.FromSeconds(30));
        Assert.Equal("Unhealthy", body);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);

        using var alive = await client.GetAsync("/alive");
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal("Healthy", await alive.Content.ReadAsStringAsync());

        // A page is written as the store reads it, but not before its first bar: a read that
        // cannot reach the store still answers problem details, without the store's address.
        using var bars = await client.GetAsync("/bars/SPY?start=2024-01-02&end=2024-01-03");
        var problem = await bars.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.InternalServerError, bars.StatusCode);
        Assert.Equal("application/problem+json", bars.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"trace_id\"", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("Port", problem, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("127.0.0.1", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_describes_the_running_gateway_in_snake_case_json()
    {
        await using var gateway = CreateGateway();
        using var client = gateway.CreateClient();

        using var response = await client.GetAsync("/version");
        response.EnsureSuccessStatusCode();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Equal("gateway", root.GetProperty("service").GetString());
        Assert.StartsWith("0.1.0", root.GetProperty("version").GetString());
        Assert.Contains(".NET", root.GetProperty("runtime").GetString());
        Assert.True(root.TryGetProperty("environment", out _));
        Assert.Equal("MarketSim (synthetic data)", root.GetProperty("market_data").GetString());
    }

    [Fact]
    public async Task An_unknown_route_answers_with_problem_details()
    {
        await using var gateway = CreateGateway();
        using var client = gateway.CreateClient();

        using var response = await client.GetAsync("/no-such-thing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
