using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using StockPlatform.Storage.Features;
using StockPlatform.Storage.Jobs;
using StockPlatform.Testing;

namespace StockPlatform.IntegrationTests.Gateway;

/// <summary>
/// The feature endpoints through the gateway on stored feature rows: metadata with its builds,
/// a symbol's values as JSON (null for undefined) and CSV with paging, the errors for unknown
/// sets, versions and bad parameters, and a rebuild queued as a job for the feature agent.
/// </summary>
public sealed class FeaturesApiTests : IAsyncLifetime
{
    private const string Key = "features-test-key";
    private static readonly string[] Columns = ["return_1", "sma_5", "rsi_14"];
    private static readonly DateTimeOffset Open = new(2024, 3, 4, 14, 30, 0, TimeSpan.Zero);

    private ThrowawayDatabase _database = null!;
    private WebApplicationFactory<Program> _gateway = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _database = await ThrowawayDatabase.CreateAsync(TestServers.PostgresConnectionString, "features_api_", TestServers.Hint);
        _gateway = InProcessGateway.Create(_database.ConnectionString, "features", Key);
        _client = _gateway.CreateClient();
        _client.DefaultRequestHeaders.Add("X-Api-Key", Key);

        var store = _gateway.Services.GetRequiredService<FeatureStore>();
        var id = await store.RegisterAsync("core", 1, Columns, """{"sma_windows":[5]}""", new string('1', 64), "StockPlatform.Features 0.1.0+aaaaaaa");
        await store.RegisterAsync("core", 1, Columns, """{"sma_windows":[5]}""", new string('1', 64), "StockPlatform.Features 0.1.1+bbbbbbb");
        // 30 minutes: the first rows are still warming up (NaN), the rest have values.
        var rows = Enumerable.Range(0, 30).Select(i => new FeatureRow(Open.AddMinutes(i), [i == 0 ? double.NaN : 0.001 * i, i < 4 ? double.NaN : 100 + i / 3.0, i < 14 ? double.NaN : 55.5])).ToList();
        await store.ReplaceFromAsync(new FeatureSeriesKey("SPY", "core", 1, "1m"), id, Open, rows);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task The_feature_sets_are_listed_with_columns_parameters_and_each_build_of_the_code()
    {
        using var list = JsonDocument.Parse(await _client.GetStringAsync("/features"));
        var set = Assert.Single(list.RootElement.GetProperty("feature_sets").EnumerateArray());
        Assert.Equal(("core", 1), (set.GetProperty("feature_set").GetString(), set.GetProperty("version").GetInt32()));
        Assert.Equal(Columns, set.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(5, set.GetProperty("params").GetProperty("sma_windows")[0].GetInt32());
        Assert.Equal(["StockPlatform.Features 0.1.1+bbbbbbb", "StockPlatform.Features 0.1.0+aaaaaaa"],
            set.GetProperty("builds").EnumerateArray().Select(b => b.GetProperty("code_ref").GetString()));
    }

    [Fact]
    public async Task A_symbols_values_come_as_json_with_nulls_during_warm_up_paged_by_next_start_and_as_csv()
    {
        using var first = JsonDocument.Parse(await _client.GetStringAsync("/features/SPY?interval=1m&limit=10"));
        var rows = first.RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(10, rows.Count);
        Assert.Equal(JsonValueKind.Null, rows[0].GetProperty("return_1").ValueKind);
        Assert.Equal(0.001 * 5, rows[5].GetProperty("return_1").GetDouble());
        Assert.Equal(100 + 5 / 3.0, rows[5].GetProperty("sma_5").GetDouble());
        Assert.Equal(JsonValueKind.Null, rows[5].GetProperty("rsi_14").ValueKind);
        var next = first.RootElement.GetProperty("next_start").GetDateTime();
        Assert.Equal(Open.AddMinutes(10).UtcDateTime, next.ToUniversalTime());

        using var rest = JsonDocument.Parse(await _client.GetStringAsync($"/features/SPY?interval=1m&start={next:yyyy-MM-ddTHH:mm:ssZ}&limit=100"));
        Assert.Equal(20, rest.RootElement.GetProperty("rows").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, rest.RootElement.GetProperty("next_start").ValueKind);

        var csv = (await _client.GetStringAsync("/features/SPY?interval=1m&format=csv&limit=15")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("timestamp,return_1,sma_5,rsi_14", csv[0]);
        Assert.Equal("2024-03-04T14:30:00Z,,,", csv[1]);
        Assert.Equal("2024-03-04T14:44:00Z,0.014,104.66666666666667,55.5", csv[15]);
    }

    [Theory]
    [InlineData("/features/SPY?feature_set=momentum", "feature_set")]
    [InlineData("/features/SPY?interval=15m", "interval")]
    [InlineData("/features/SPY?limit=0", "limit")]
    [InlineData("/features/SPY?start=2024-03-05&end=2024-03-04", "start")]
    [InlineData("/features/S%20PY", "symbol")]
    [InlineData("/features/SPY?format=xml", "format")]
    public async Task Bad_parameters_are_refused_naming_the_field(string url, string field)
    {
        using var response = await _client.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), problem.RootElement.ToString());
    }

    [Fact]
    public async Task An_unknown_version_is_not_found_and_a_rebuild_is_queued_as_a_feature_rebuild_job()
    {
        using var missing = await _client.GetAsync("/features/SPY?version=7");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("versions 1", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var queued = await _client.PostAsJsonAsync("/features/rebuild", new { symbols = new[] { "SPY", "QQQ" }, feature_set = "core", start = "2024-03-01" });
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        using var job = JsonDocument.Parse(await queued.Content.ReadAsStringAsync());
        Assert.Equal("feature-rebuild", job.RootElement.GetProperty("kind").GetString());
        Assert.Equal("core:1", job.RootElement.GetProperty("feed").GetString());
        var tasks = await _gateway.Services.GetRequiredService<JobStore>().GetTasksAsync(job.RootElement.GetProperty("job_id").GetGuid());
        Assert.Equal(["QQQ", "SPY"], tasks.Select(t => t.Symbol).Order());
        Assert.All(tasks, t => Assert.Equal(new DateOnly(2024, 3, 1), t.Start));

        // Asked again while open: the same job. Another version: refused by name.
        using var again = await _client.PostAsJsonAsync("/features/rebuild", new { symbols = new[] { "QQQ", "SPY" }, feature_set = "core", start = "2024-03-01" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        using var refused = await _client.PostAsJsonAsync("/features/rebuild", new { symbols = new[] { "SPY" }, version = 9 });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("version", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var keyless = _gateway.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await keyless.PostAsJsonAsync("/features/rebuild", new { symbols = new[] { "SPY" } })).StatusCode);
    }
}
