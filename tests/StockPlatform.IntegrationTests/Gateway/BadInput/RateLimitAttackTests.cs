using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using StockPlatform.Testing;

namespace StockPlatform.IntegrationTests.Gateway.BadInput;

/// <summary>
/// The rate limit under attack (Gateway:RequestsPerSecond low here). The limiter gives each client
/// a token bucket: the client holding the gateway's key one of its own, everyone else one per
/// address. A burst over it gets 429 problems with Retry-After and the client is let in again after
/// that wait; a flood from an address does not starve the key's client; and sending a new wrong
/// key with every request does not escape the limit.
/// </summary>
public sealed class RateLimitAttackTests : IAsyncLifetime
{
    private const int PerSecond = 3;

    private ThrowawayDatabase _database = null!;
    private WebApplicationFactory<Program> _gateway = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _database = await ThrowawayDatabase.CreateAsync(TestServers.PostgresConnectionString, "bad_rate_", TestServers.Hint);
        _gateway = InProcessGateway.Create(_database.ConnectionString, "badrate", BadInputCatalog.Key, ("Gateway:RequestsPerSecond", PerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        _client = _gateway.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_burst_over_the_rate_gets_429_problems_with_retry_after_and_the_client_gets_in_again_after_that_wait()
    {
        var runner = new BadInputRunner(_client, BadInputCatalog.Key, []);
        // Every answer a 4xx problem: the 400 of the bad interval, then the limiter's 429s.
        await runner.RunAsync([.. Enumerable.Range(0, PerSecond * 8).Select(_ => new BadRequest(HttpMethod.Get, "/bars/SPY?interval=0m", null, Keyless: true))]);

        Assert.True(runner.Failures.Count == 0, string.Join('\n', runner.Failures));
        Assert.True(runner.StatusCounts.GetValueOrDefault(429) > 0, string.Join(", ", runner.StatusCounts));
        var waits = runner.RetryAfters;
        Assert.Equal(runner.StatusCounts[429], waits.Count);
        Assert.All(waits, wait => Assert.InRange(wait, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)));

        await Task.Delay(waits.Max() + TimeSpan.FromMilliseconds(200));
        using var again = await _client.GetAsync("/bars/SPY?interval=0m");
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
    }

    [Fact]
    public async Task A_flood_without_the_key_does_not_starve_the_client_with_the_key()
    {
        for (var i = 0; i < PerSecond * 6; i++) (await _client.GetAsync("/bars/SPY?interval=0m")).Dispose();
        using var keyless = await _client.GetAsync("/bars/SPY?interval=0m");
        Assert.Equal(HttpStatusCode.TooManyRequests, keyless.StatusCode);

        using var keyed = new HttpRequestMessage(HttpMethod.Get, "/bars/SPY?interval=0m");
        keyed.Headers.Add("X-Api-Key", BadInputCatalog.Key);
        using var answer = await _client.SendAsync(keyed);
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
    }

    [Fact]
    public async Task A_new_wrong_key_with_every_request_does_not_escape_the_limit()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < PerSecond * 8; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/ingest/SPY");
            request.Headers.Add("X-Api-Key", "guess-" + Guid.NewGuid().ToString("N"));
            using var answer = await _client.SendAsync(request);
            statuses.Add(answer.StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.All(statuses, status => Assert.True(status is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, status.ToString()));
        // The key's own client is not among those limited.
        using var keyed = new HttpRequestMessage(HttpMethod.Get, "/bars/SPY?interval=0m");
        keyed.Headers.Add("X-Api-Key", BadInputCatalog.Key);
        using var right = await _client.SendAsync(keyed);
        Assert.Equal(HttpStatusCode.BadRequest, right.StatusCode);
    }
}
