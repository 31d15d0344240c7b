using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using StockPlatform.Gateway.Operations;
using StockPlatform.Storage.Agents;
using StockPlatform.Storage.Jobs;
using StockPlatform.Testing;

namespace StockPlatform.IntegrationTests.Gateway;

/// <summary>The gateway's monitor against stored heartbeats and jobs: when it raises an alert, once, and when it clears it.</summary>
public sealed class AgentMonitorTests : IAsyncLifetime
{
    private const string Key = "monitor-key";
    private static readonly DateOnly Day = new(2024, 3, 4);

    private ThrowawayDatabase _database = null!;
    private WebApplicationFactory<Program> _gateway = null!;
    private HttpClient _client = null!;

    private AgentStore Agents => _gateway.Services.GetRequiredService<AgentStore>();
    private AgentMonitor Monitor => _gateway.Services.GetServices<IHostedService>().OfType<AgentMonitor>().Single();

    public async Task InitializeAsync()
    {
        _database = await ThrowawayDatabase.CreateAsync(TestServers.PostgresConnectionString, "monitor_", TestServers.Hint);
        _gateway = InProcessGateway.Create(_database.ConnectionString, "monitor", Key);
        _client = _gateway.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_job_that_stops_moving_raises_one_alert_naming_its_holder_not_while_paused_and_it_clears_when_the_job_ends()
    {
        var jobs = _gateway.Services.GetRequiredService<JobStore>();
        var (job, tasks, _) = await jobs.CreateOrGetActiveAsync(JobKinds.Backfill, "SPY", Day, Day, "iex", [new JobWindow(Day, Day)]);
        Assert.NotNull(await jobs.ClaimTaskAsync(tasks[0].Id, "worker-7", TimeSpan.FromMinutes(10)));
        await Agents.RecordAsync(Beat("worker-7", DateTimeOffset.UtcNow));
        await ExecuteAsync("UPDATE jobs SET updated_at = now() - interval '1 hour'");

        await Monitor.CheckAsync(CancellationToken.None);
        await Monitor.CheckAsync(CancellationToken.None);
        var alert = Assert.Single(await Agents.ListAlertsAsync(activeOnly: true, 100));
        Assert.Equal((AgentMonitor.JobStalled, "ingestion", "worker-7", job.Id), (alert.Kind, alert.Agent, alert.Instance, alert.JobId));
        Assert.Equal("stalled", await StatusOfAsync("worker-7")); // it beats, but its job does not move

        // Paused, the wait is wanted: no alert.
        await Agents.SetPausedAsync("ingestion", true);
        await Monitor.CheckAsync(CancellationToken.None);
        Assert.Empty(await Agents.ListAlertsAsync(activeOnly: true, 100));
        await Agents.SetPausedAsync("ingestion", false);
        await Monitor.CheckAsync(CancellationToken.None);
        Assert.Single(await Agents.ListAlertsAsync(activeOnly: true, 100));

        await jobs.CompleteTaskAsync(tasks[0].Id, "worker-7", 1, 390, 0);
        await Monitor.CheckAsync(CancellationToken.None);
        Assert.Empty(await Agents.ListAlertsAsync(activeOnly: true, 100));
        Assert.Equal(2, (await Agents.ListAlertsAsync(activeOnly: false, 100)).Count);
        Assert.Equal("ok", await StatusOfAsync("worker-7"));
    }

    [Fact]
    public async Task A_silent_instance_raises_one_alert_a_clean_stop_none_and_the_alert_clears_when_it_is_heard_again()
    {
        await Agents.RecordAsync(Beat("silent", DateTimeOffset.UtcNow.AddSeconds(-20)));
        await Agents.RecordAsync(Beat("stopped", DateTimeOffset.UtcNow.AddSeconds(-20), state: "stopped"));
        await Monitor.CheckAsync(CancellationToken.None);
        await Monitor.CheckAsync(CancellationToken.None);
        var alert = Assert.Single(await Agents.ListAlertsAsync(activeOnly: true, 100));
        Assert.Equal((AgentMonitor.AgentStalled, "silent"), (alert.Kind, alert.Instance));
        Assert.Contains("no heartbeat for 2", alert.Message); // 20 s and a little more
        Assert.Equal("stalled", await StatusOfAsync("silent"));
        Assert.Equal("stopped", await StatusOfAsync("stopped"));

        // A late heartbeat of an older time changes nothing; a new one brings the instance back.
        await Agents.RecordAsync(Beat("silent", DateTimeOffset.UtcNow.AddMinutes(-5)));
        Assert.Equal("stalled", await StatusOfAsync("silent"));
        await Agents.RecordAsync(Beat("silent", DateTimeOffset.UtcNow));
        await Monitor.CheckAsync(CancellationToken.None);
        Assert.Empty(await Agents.ListAlertsAsync(activeOnly: true, 100));
        Assert.Equal("ok", await StatusOfAsync("silent"));
    }

    [Fact]
    public async Task An_instance_that_beats_but_reports_itself_stalled_raises_one_alert_which_clears_when_it_streams_again()
    {
        await Agents.RecordAsync(Beat("leader", DateTimeOffset.UtcNow, state: "stalled", agent: "livestream"));
        await Monitor.CheckAsync(CancellationToken.None);
        await Monitor.CheckAsync(CancellationToken.None);
        var alert = Assert.Single(await Agents.ListAlertsAsync(activeOnly: true, 100));
        Assert.Equal((AgentMonitor.AgentStalled, "livestream", "leader"), (alert.Kind, alert.Agent, alert.Instance));
        Assert.Contains("reports itself stalled", alert.Message);
        Assert.Equal("stalled", await StatusOfAsync("leader"));

        await Agents.RecordAsync(Beat("leader", DateTimeOffset.UtcNow.AddMilliseconds(1), state: "streaming", agent: "livestream"));
        await Monitor.CheckAsync(CancellationToken.None);
        Assert.Empty(await Agents.ListAlertsAsync(activeOnly: true, 100));
        Assert.Equal("ok", await StatusOfAsync("leader"));
    }

    private static AgentBeat Beat(string instance, DateTimeOffset seenAt, string state = "idle", string agent = "ingestion") =>
        new(agent, instance, "0.1.0+test", state, null, null, new Dictionary<string, long> { ["bars_inserted"] = 390 }, false, seenAt.AddMinutes(-30), seenAt, TimeSpan.FromSeconds(5));

    private async Task<string?> StatusOfAsync(string instance)
    {
        using var json = JsonDocument.Parse(await _client.GetStringAsync("/agents"));
        return json.RootElement.GetProperty("agents").EnumerateArray()
            .Single(agent => agent.GetProperty("instance").GetString() == instance).GetProperty("status").GetString();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(_database.ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
