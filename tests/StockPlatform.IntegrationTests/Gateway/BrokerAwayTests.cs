using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using StockPlatform.Testing;

namespace StockPlatform.IntegrationTests.Gateway;

/// <summary>
/// With RabbitMQ away (restarting), requests whose state the database keeps still answer: the
/// job is stored and its windows left for the ingestion sweeper, the tracking stored for the
/// live updater. Found by the chaos run: POST /jobs held its client until the broker was back.
/// </summary>
public sealed class BrokerAwayTests : IAsyncLifetime
{
    private const string Key = "broker-away-key";

    private ThrowawayDatabase _database = null!;
    private WebApplicationFactory<Program> _gateway = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _database = await ThrowawayDatabase.CreateAsync(TestServers.PostgresConnectionString, "away_", TestServers.Hint);
        // A port nothing listens on: the broker is down for the whole test.
        var nowhere = $"amqp://guest:guest@127.0.0.1:{LocalServer.FreePort()}";
        _gateway = InProcessGateway.Create(_database.ConnectionString, "away", Key, ("ConnectionStrings:messaging", nowhere));
        _client = _gateway.CreateClient();
        // Far longer than the gateway's patience with the broker; an unbounded publish never answers.
        _client.Timeout = TimeSpan.FromSeconds(40);
        _client.DefaultRequestHeaders.Add("X-Api-Key", Key);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_job_posted_while_the_broker_is_away_is_accepted_and_its_windows_wait_unsent_for_the_sweeper()
    {
        using var response = await _client.PostAsJsonAsync("/jobs", new { symbols = new[] { "SPY", "QQQ" }, start = "2024-03-04", end = "2024-03-08", feed = "iex" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("job_id").GetGuid();
        var windows = (await _client.GetFromJsonAsync<JsonElement>($"/jobs/{id}/windows")).GetProperty("windows");
        Assert.Equal(2, windows.GetArrayLength());
        Assert.All(windows.EnumerateArray(), w => Assert.Equal("pending", w.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Tracking_and_untracking_while_the_broker_is_away_are_stored_and_answered()
    {
        using (var track = await _client.PutAsync("/symbols/SPY/tracking", null))
            Assert.Equal(HttpStatusCode.OK, track.StatusCode);
        var tracked = await _client.GetFromJsonAsync<JsonElement>("/symbols?tracked=true");
        Assert.Contains(tracked.GetProperty("symbols").EnumerateArray(), s => s.GetProperty("symbol").GetString() == "SPY");

        using var untrack = await _client.DeleteAsync("/symbols/SPY/tracking");
        Assert.Equal(HttpStatusCode.OK, untrack.StatusCode);
    }
}

/// <summary>With the broker up, the gateway sends a new job's windows itself, at once (the sweeper is only the fallback).</summary>
public sealed class GatewayPublishingTests : IAsyncLifetime
{
    private const string Key = "publishing-key";

    private ThrowawayDatabase _database = null!;
    private WebApplicationFactory<Program> _gateway = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _database = await ThrowawayDatabase.CreateAsync(TestServers.PostgresConnectionString, "publish_", TestServers.Hint);
        _gateway = InProcessGateway.Create(_database.ConnectionString, "publish", Key);
        _client = _gateway.CreateClient();
        _client.DefaultRequestHeaders.Add("X-Api-Key", Key);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_job_posted_with_the_broker_up_has_every_window_sent_by_the_time_it_is_answered()
    {
        using var response = await _client.PostAsJsonAsync("/jobs", new { symbols = new[] { "SPY", "QQQ" }, start = "2024-03-04", end = "2024-03-15", feed = "iex" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("job_id").GetGuid();

        await using var dataSource = Npgsql.NpgsqlDataSource.Create(_database.ConnectionString);
        await using var command = dataSource.CreateCommand("SELECT count(*) FILTER (WHERE published_at IS NOT NULL), count(*) FROM job_tasks WHERE job_id = @id");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.True(reader.GetInt64(1) > 0);
        Assert.Equal(reader.GetInt64(1), reader.GetInt64(0));
    }
}
