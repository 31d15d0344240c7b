using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using StockPlatform.Testing;

namespace StockPlatform.IntegrationTests.Gateway;

/// <summary>Tracking through the gateway: bars always, trades and quotes when the body asks, changed by a second PUT.</summary>
public sealed class TrackingApiTests : IAsyncLifetime
{
    private const string Key = "tracking-test-key";

    private ThrowawayDatabase _database = null!;
    private WebApplicationFactory<Program> _gateway = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _database = await ThrowawayDatabase.CreateAsync(TestServers.PostgresConnectionString, "track_", TestServers.Hint);
        _gateway = InProcessGateway.Create(_database.ConnectionString, "track", Key);
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
    public async Task Without_a_body_only_bars_stream_and_a_body_turns_trades_and_quotes_on_or_off_leaving_the_others()
    {
        var plain = await (await _client.PutAsync("/symbols/SPY/tracking", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((true, false, false), (plain.GetProperty("tracked").GetBoolean(), plain.GetProperty("trades").GetBoolean(), plain.GetProperty("quotes").GetBoolean()));

        var ticks = await _client.PutAsJsonAsync("/symbols/SPY/tracking", new { trades = true, quotes = true });
        Assert.Equal(HttpStatusCode.OK, ticks.StatusCode);
        var body = await ticks.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((true, true), (body.GetProperty("trades").GetBoolean(), body.GetProperty("quotes").GetBoolean()));
        Assert.Equal(plain.GetProperty("tracked_since").GetString(), body.GetProperty("tracked_since").GetString());

        var listed = (await _client.GetFromJsonAsync<JsonElement>("/symbols?tracked=true")).GetProperty("symbols")[0];
        Assert.Equal(("SPY", true, true), (listed.GetProperty("symbol").GetString(), listed.GetProperty("tracked_trades").GetBoolean(), listed.GetProperty("tracked_quotes").GetBoolean()));

        // A channel left out keeps what it was; a PUT without a body changes neither.
        await _client.PutAsJsonAsync("/symbols/SPY/tracking", new { quotes = false });
        var detail = await _client.GetFromJsonAsync<JsonElement>("/symbols/SPY");
        Assert.Equal((true, false), (detail.GetProperty("tracked_trades").GetBoolean(), detail.GetProperty("tracked_quotes").GetBoolean()));
        var again = await (await _client.PutAsync("/symbols/SPY/tracking", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((true, false), (again.GetProperty("trades").GetBoolean(), again.GetProperty("quotes").GetBoolean()));
    }

    [Theory]
    [InlineData("{\"trades\": \"yes\"}", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("not json", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("[1, 2]", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("{\"trades\": true}", "text/plain", HttpStatusCode.UnsupportedMediaType)]
    public async Task A_body_that_is_not_the_channels_gets_a_problem_and_tracks_nothing(string content, string type, HttpStatusCode status)
    {
        var response = await _client.PutAsync("/symbols/SPY/tracking", new StringContent(content, Encoding.UTF8, type));

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var symbols = await _client.GetFromJsonAsync<JsonElement>("/symbols?tracked=true");
        Assert.Equal(0, symbols.GetProperty("symbols").GetArrayLength());
    }

    [Fact]
    public async Task Tracking_and_untracking_without_the_api_key_are_refused_with_401_and_change_nothing()
    {
        Assert.Equal(HttpStatusCode.OK, (await _client.PutAsync("/symbols/QQQ/tracking", null)).StatusCode);
        using var anonymous = _gateway.CreateClient();
        using var wrong = _gateway.CreateClient();
        wrong.DefaultRequestHeaders.Add("X-Api-Key", "not-the-key");

        foreach (var client in new[] { anonymous, wrong })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PutAsync("/symbols/SPY/tracking", null)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PutAsJsonAsync("/symbols/SPY/tracking", new { trades = true })).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.DeleteAsync("/symbols/QQQ/tracking")).StatusCode);
        }
        var tracked = (await _client.GetFromJsonAsync<JsonElement>("/symbols?tracked=true")).GetProperty("symbols");
        Assert.Equal(["QQQ"], tracked.EnumerateArray().Select(s => s.GetProperty("symbol").GetString()));
    }
}
