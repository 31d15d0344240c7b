using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using StockPlatform.MarketData.Calendar;
using StockPlatform.Storage.Jobs;
using StockPlatform.Testing;

namespace StockPlatform.IntegrationTests.Gateway;

/// <summary>
/// What a backfill fetches (<c>data</c>) through the gateway: stored with the job and each of its
/// windows, shown on the job, part of what makes two requests the same job; and the corporate
/// actions refresh queued as a job of its own.
/// </summary>
public sealed class JobDataApiTests : IAsyncLifetime
{
    private const string Key = "job-data-test-key";

    private ThrowawayDatabase _database = null!;
    private WebApplicationFactory<Program> _gateway = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _database = await ThrowawayDatabase.CreateAsync(TestServers.PostgresConnectionString, "jobdata_", TestServers.Hint);
        _gateway = InProcessGateway.Create(_database.ConnectionString, "jobdata", Key);
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
    public async Task A_job_keeps_the_datasets_it_was_asked_for_in_their_order_and_the_same_datasets_are_the_same_job()
    {
        using var first = await _client.PostAsJsonAsync("/jobs", new { symbols = new[] { "SPY", "QQQ" }, start = "2024-03-04", end = "2024-03-08", data = new[] { "quotes", "TRADES", "quotes" } });
        using var same = await _client.PostAsJsonAsync("/jobs", new { symbols = new[] { "QQQ", "SPY" }, start = "2024-03-04", end = "2024-03-08", data = new[] { "trades", "quotes" } });
        using var bars = await _client.PostAsJsonAsync("/jobs", new { symbols = new[] { "SPY", "QQQ" }, start = "2024-03-04", end = "2024-03-08" });
        using var one = await _client.PostAsync("/ingest/SPY?start=2024-03-04&end=2024-03-08&data=trades,bars", null);

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.OK, HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.StatusCode, same.StatusCode, bars.StatusCode, one.StatusCode));
        var job = await first.Content.ReadFromJsonAsync<JsonElement>();
        var id = job.GetProperty("job_id").GetGuid();
        Assert.Equal(id, (await same.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("job_id").GetGuid());
        Assert.Equal(["trades", "quotes"], Data(job));
        Assert.Equal(["bars"], Data(await bars.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.Equal(["bars", "trades"], Data(await one.Content.ReadFromJsonAsync<JsonElement>()));

        var shown = await _client.GetFromJsonAsync<JsonElement>($"/jobs/{id}");
        Assert.Equal(["trades", "quotes"], Data(shown));
        Assert.Equal("""{"trades":0,"quotes":0}""", shown.GetProperty("progress").GetProperty("rows_inserted").GetRawText());
        var windows = await _client.GetFromJsonAsync<JsonElement>($"/jobs/{id}/windows");
        Assert.All(windows.GetProperty("windows").EnumerateArray(), window => Assert.Equal("""{"trades":0,"quotes":0}""", window.GetProperty("rows_inserted").GetRawText()));
        // Every window knows what it fetches: the agent works from its row.
        var tasks = await _gateway.Services.GetRequiredService<JobStore>().GetTasksAsync(id);
        Assert.Equal(2, tasks.Count);
        Assert.All(tasks, task => Assert.Equal(["trades", "quotes"], task.Datasets));
    }

    [Fact]
    public async Task A_corporate_actions_refresh_is_a_job_of_its_own_with_a_window_per_symbol_and_asking_again_returns_it()
    {
        using var accepted = await _client.PostAsJsonAsync("/corporate-actions/refresh", new { symbols = new[] { "XYZ", "spy" }, start = "2020-01-01", end = (string?)null });
        using var again = await _client.PostAsJsonAsync("/corporate-actions/refresh", new { symbols = new[] { "SPY", "XYZ" }, start = "2020-01-01" });
        using var defaults = await _client.PostAsJsonAsync("/corporate-actions/refresh", new { symbols = new[] { "AAPL" } });

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.OK, HttpStatusCode.Accepted), (accepted.StatusCode, again.StatusCode, defaults.StatusCode));
        var job = await accepted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"/jobs/{job.GetProperty("job_id").GetGuid()}", accepted.Headers.Location?.ToString());
        Assert.Equal(job.GetProperty("job_id").GetGuid(), (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("job_id").GetGuid());
        var today = NewYorkTime.DateOf(DateTimeOffset.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(("corporate-actions", "2020-01-01", today, "sip", "queued"),
            (job.GetProperty("kind").GetString(), job.GetProperty("start").GetString(), job.GetProperty("end").GetString(), job.GetProperty("feed").GetString(), job.GetProperty("status").GetString()));
        Assert.Equal(["XYZ", "SPY"], job.GetProperty("symbols").EnumerateArray().Select(s => s.GetString()));
        Assert.Empty(Data(job));
        Assert.Equal(2, job.GetProperty("progress").GetProperty("sessions_total").GetInt32());
        var fallback = await defaults.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(($"{NyseCalendar.FirstYear}-01-01", today), (fallback.GetProperty("start").GetString(), fallback.GetProperty("end").GetString()));
    }

    private static List<string?> Data(JsonElement job) => [.. job.GetProperty("data").EnumerateArray().Select(d => d.GetString())];
}
