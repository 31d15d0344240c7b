using System.Diagnostics;
using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;

namespace StockPlatform.IntegrationTests.EndToEnd;

/// <summary>
/// The agents from the gateway, against a real ingestion agent process: heartbeats judged ok,
/// stalled and stopped, one alert for a killed agent, and pause and resume that lose nothing.
/// </summary>
public class AgentOperationsEndToEndTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // One-second heartbeats: stalled after 5 s of silence, stopped after 12 s. (Not sooner: on a
    // busy CI machine a live agent's beat can come late, and that is a real, if brief, stall.)
    private static readonly Dictionary<string, string> FastAgent = new() { ["Agent__HeartbeatInterval"] = "00:00:01" };
    private static readonly Dictionary<string, string> FastGateway = new()
    {
        ["Operations:CheckInterval"] = "00:00:01",
        ["Operations:StalledAfterBeats"] = "5",
        ["Operations:StoppedAfter"] = "00:00:12",
    };

    [Fact]
    public async Task A_killed_agent_shows_stalled_then_stopped_raises_one_alert_and_once_restarted_shows_ok()
    {
        await using var stack = await PlatformStack.StartAsync(agentSettings: FastAgent, gatewaySettings: FastGateway);
        var killed = await WaitForInstanceAsync(stack, agent => agent.Status == "ok");
        Assert.False(string.IsNullOrWhiteSpace(killed.Version));

        using var timeout = new CancellationTokenSource(Patience);
        using var events = await stack.Client.GetAsync("/events?kind=alert", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var raisedEvent = FirstAlertEventAsync(await events.Content.ReadAsStreamAsync(timeout.Token), "alert.raised", killed.Instance, timeout.Token);

        stack.Agent!.Kill();
        var seen = new List<string>();
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline && !seen.Contains("stopped"))
        {
            var status = (await ListAgentsAsync(stack)).Single(agent => agent.Instance == killed.Instance).Status;
            if (seen.Count == 0 || seen[^1] != status) seen.Add(status);
            await Task.Delay(200);
        }
        Assert.Equal(["ok", "stalled", "stopped"], seen.SkipWhile(status => status == "ok").Prepend("ok"));

        var alerts = await ActiveAlertsAsync(stack);
        var alert = Assert.Single(alerts, a => a.GetProperty("instance").GetString() == killed.Instance);
        Assert.Equal("agent-stalled", alert.GetProperty("kind").GetString());
        Assert.Equal("ingestion", alert.GetProperty("agent").GetString());
        var pushed = await raisedEvent;
        Assert.Equal(alert.GetProperty("id").GetInt64(), pushed.GetProperty("id").GetInt64());

        await stack.StartAgentAsync();
        var restarted = await WaitForInstanceAsync(stack, agent => agent.Status == "ok" && agent.Instance != killed.Instance);
        Assert.NotEqual(killed.Instance, restarted.Instance);
        // The replacement clears the alert and the dead instance is forgotten.
        await WaitUntilAsync(async () => (await ActiveAlertsAsync(stack)).All(a => a.GetProperty("instance").GetString() != killed.Instance)
            && (await ListAgentsAsync(stack)).All(agent => agent.Instance != killed.Instance), "the alert to clear and the killed instance to go");
        using var all = JsonDocument.Parse(await stack.Client.GetStringAsync("/alerts?active=false"));
        var cleared = Assert.Single(all.RootElement.GetProperty("alerts").EnumerateArray(), a => a.GetProperty("instance").GetString() == killed.Instance);
        Assert.Equal(alert.GetProperty("id").GetInt64(), cleared.GetProperty("id").GetInt64());
        Assert.NotEqual(JsonValueKind.Null, cleared.GetProperty("cleared_at").ValueKind);
    }

    [Fact]
    public async Task An_agent_stopped_gracefully_shows_stopped_at_once_and_raises_no_alert()
    {
        await using var stack = await PlatformStack.StartAsync(agentSettings: FastAgent, gatewaySettings: FastGateway);
        var instance = await WaitForInstanceAsync(stack, agent => agent.Status == "ok");

        await stack.Agent!.StopAsync(TimeSpan.FromSeconds(30));
        // Its last heartbeat says so: stopped well before silence would make it stalled (5 s).
        var stoppedWithin = Stopwatch.StartNew();
        await WaitForInstanceAsync(stack, agent => agent.Instance == instance.Instance && agent.Status == "stopped");
        Assert.True(stoppedWithin.Elapsed < TimeSpan.FromSeconds(4), $"shown stopped only after {stoppedWithin.Elapsed.TotalSeconds:0.0} s");
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.Equal("stopped", (await ListAgentsAsync(stack)).Single(agent => agent.Instance == instance.Instance).Status);
        using var alerts = JsonDocument.Parse(await stack.Client.GetStringAsync("/alerts?active=false"));
        Assert.Empty(alerts.RootElement.GetProperty("alerts").EnumerateArray());
    }

    [Fact]
    public async Task A_paused_agent_takes_no_new_work_stays_paused_across_a_restart_and_resumed_completes_the_job_exactly()
    {
        await using var stack = await PlatformStack.StartAsync(windowDays: 2, agentSettings: FastAgent, gatewaySettings: FastGateway);
        await WaitForInstanceAsync(stack, agent => agent.Status == "ok");

        using (var paused = await stack.Client.PostAsync("/agents/ingestion/pause", null))
        {
            Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
            using var body = JsonDocument.Parse(await paused.Content.ReadAsStringAsync());
            Assert.True(body.RootElement.GetProperty("paused").GetBoolean());
        }
        await WaitForInstanceAsync(stack, agent => agent.Paused && agent.State == "paused");

        const string from = "2024-11-11", to = "2024-11-22";
        var job = await stack.IngestAsync("MSFT", from, to);
        await Task.Delay(TimeSpan.FromSeconds(3));
        await AssertUntouchedAsync(stack, job);

        // The pause is stored: a new process of the agent starts paused (its /health degraded: the work queue is stopped).
        stack.Agent!.Kill();
        await stack.StartAgentAsync(paused: true);
        await WaitForInstanceAsync(stack, agent => agent.Status == "ok" && agent.Paused);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await AssertUntouchedAsync(stack, job);

        using (var resumed = await stack.Client.PostAsync("/agents/ingestion/resume", null)) Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        var done = await stack.WaitForJobAsync(job, TimeSpan.FromSeconds(90));
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.Equal(10, done.GetProperty("progress").GetProperty("sessions_done").GetInt32());
        Assert.Equal(stack.MarketMinutes("MSFT", from, to), await stack.ReadMinutesAsync("MSFT", from, to));
        await WaitForInstanceAsync(stack, agent => !agent.Paused && agent.State != "paused");
    }

    [Fact]
    public async Task Pausing_mid_job_hands_the_windows_in_hand_back_and_resuming_finishes_them_exactly()
    {
        // Small, slow pages one at a time, so the pause lands while windows are being fetched.
        var slowAgent = new Dictionary<string, string>(FastAgent) { ["Alpaca__PageSize"] = "500", ["Ingestion__MaxConcurrentFetches"] = "1" };
        await using var stack = await PlatformStack.StartAsync(new() { ["MarketSim:Faults:Latency"] = "00:00:00.300" }, windowDays: 2,
            agentSettings: slowAgent, gatewaySettings: FastGateway);
        await WaitForInstanceAsync(stack, agent => agent.Status == "ok");
        const string from = "2024-10-28", to = "2024-11-22";
        var job = await stack.IngestAsync("NVDA", from, to);
        await stack.WaitForJobAsync(job, TimeSpan.FromSeconds(60), j => j.GetProperty("progress").GetProperty("sessions_done").GetInt32() > 0);

        using (var paused = await stack.Client.PostAsync("/agents/ingestion/pause", null)) Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        await WaitForInstanceAsync(stack, agent => agent.Paused && agent.State == "paused");
        // Once the windows in hand are handed back nothing runs, and nothing moves while paused.
        await WaitUntilAsync(async () => !(await WindowStatesAsync(stack, job)).Contains("running"), "the running windows to be handed back");
        var before = await stack.GetJobAsync(job);
        Assert.Equal("running", before.GetProperty("status").GetString());
        await Task.Delay(TimeSpan.FromSeconds(3));
        var after = await stack.GetJobAsync(job);
        Assert.Equal(before.GetProperty("progress").ToString(), after.GetProperty("progress").ToString());
        Assert.DoesNotContain("running", await WindowStatesAsync(stack, job));

        using (var resumed = await stack.Client.PostAsync("/agents/ingestion/resume", null)) Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        var done = await stack.WaitForJobAsync(job, TimeSpan.FromSeconds(120));
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.Equal(20, done.GetProperty("progress").GetProperty("sessions_done").GetInt32());
        Assert.Equal(stack.MarketMinutes("NVDA", from, to), await stack.ReadMinutesAsync("NVDA", from, to));
    }

    [Fact]
    public async Task Pausing_an_unknown_agent_is_a_404_naming_the_agents_and_changes_nothing()
    {
        await using var stack = await PlatformStack.StartAsync(agentSettings: FastAgent, gatewaySettings: FastGateway);
        using var response = await stack.Client.PostAsync("/agents/nosuchagent/pause", null);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("ingestion", body);
        using var agents = JsonDocument.Parse(await stack.Client.GetStringAsync("/agents"));
        Assert.Empty(agents.RootElement.GetProperty("controls").EnumerateArray());

        using var anonymous = stack.Gateway.CreateClient();
        using var refused = await anonymous.PostAsync("/agents/ingestion/pause", null);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    private sealed record AgentView(string Agent, string Instance, string Version, string Status, string State, bool Paused);

    private static async Task<List<AgentView>> ListAgentsAsync(PlatformStack stack)
    {
        using var json = JsonDocument.Parse(await stack.Client.GetStringAsync("/agents"));
        return [.. json.RootElement.GetProperty("agents").EnumerateArray().Select(agent => new AgentView(
            agent.GetProperty("agent").GetString()!, agent.GetProperty("instance").GetString()!, agent.GetProperty("version").GetString()!,
            agent.GetProperty("status").GetString()!, agent.GetProperty("state").GetString()!, agent.GetProperty("paused").GetBoolean()))];
    }

    private static async Task<AgentView> WaitForInstanceAsync(PlatformStack stack, Func<AgentView, bool> until)
    {
        var deadline = DateTime.UtcNow + Patience;
        List<AgentView> agents = [];
        while (DateTime.UtcNow < deadline)
        {
            agents = await ListAgentsAsync(stack);
            if (agents.FirstOrDefault(agent => agent.Agent == "ingestion" && until(agent)) is { } found) return found;
            await Task.Delay(200);
        }
        throw new TimeoutException($"no ingestion instance as expected; GET /agents: {string.Join("; ", agents)}\nagent output:\n{stack.Agent?.Tail(40)}");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"waited {Patience.TotalSeconds:0} s for {what}");
            await Task.Delay(200);
        }
    }

    private static async Task<List<JsonElement>> ActiveAlertsAsync(PlatformStack stack)
    {
        using var json = JsonDocument.Parse(await stack.Client.GetStringAsync("/alerts?active=true"));
        return [.. json.RootElement.GetProperty("alerts").EnumerateArray().Select(alert => alert.Clone())];
    }

    private static async Task<List<string>> WindowStatesAsync(PlatformStack stack, Guid job)
    {
        using var json = JsonDocument.Parse(await stack.Client.GetStringAsync($"/jobs/{job}/windows"));
        return [.. json.RootElement.GetProperty("windows").EnumerateArray().Select(window => window.GetProperty("status").GetString()!)];
    }

    private static async Task AssertUntouchedAsync(PlatformStack stack, Guid job)
    {
        var state = await stack.GetJobAsync(job);
        Assert.Equal("queued", state.GetProperty("status").GetString());
        Assert.Equal(0, state.GetProperty("progress").GetProperty("sessions_done").GetInt32());
        Assert.DoesNotContain("running", await WindowStatesAsync(stack, job));
        Assert.Equal(0, await stack.CountBarsAsync("MSFT"));
    }

    private static async Task<JsonElement> FirstAlertEventAsync(Stream body, string type, string instance, CancellationToken cancellationToken)
    {
        await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellationToken))
        {
            if (item.EventType != type) continue;
            using var json = JsonDocument.Parse(item.Data);
            if (json.RootElement.GetProperty("instance").GetString() == instance) return json.RootElement.Clone();
        }
        throw new InvalidOperationException("the event stream ended");
    }
}
