using StockPlatform.Gateway.Operations;
using StockPlatform.Storage.Agents;

namespace StockPlatform.IntegrationTests.Gateway;

/// <summary>How the gateway judges an agent instance from its last heartbeat (pure rules).</summary>
public class AgentHealthTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 15, 0, 0, TimeSpan.Zero);
    private static readonly OperationsOptions Options = new() { StoppedAfter = TimeSpan.FromMinutes(1) };
    private static readonly HashSet<string> None = [];

    private static AgentBeat Beat(string instance, double secondsAgo, string state = "idle", double startedMinutesAgo = 60, double intervalSeconds = 5) =>
        new("ingestion", instance, "0.1.0", state, null, null, new Dictionary<string, long>(), false, Now.AddMinutes(-startedMinutesAgo), Now.AddSeconds(-secondsAgo),
            TimeSpan.FromSeconds(intervalSeconds));

    [Theory]
    [InlineData(0, "ok")]
    [InlineData(14.9, "ok")]   // under three intervals
    [InlineData(15, "stalled")]
    [InlineData(59.9, "stalled")]
    [InlineData(60, "stopped")]
    public void Silence_turns_ok_into_stalled_after_three_beats_and_into_stopped_after_the_limit(double secondsAgo, string status) =>
        Assert.Equal(status, AgentHealth.StatusOf(Beat("a", secondsAgo), Now, Options, None));

    [Fact]
    public void A_clean_shutdown_is_stopped_at_once_and_is_not_a_silence()
    {
        var beat = Beat("a", 1, state: "stopped");
        Assert.Equal("stopped", AgentHealth.StatusOf(beat, Now, Options, None));
        Assert.False(AgentHealth.WentSilent(beat, Now, Options));
        Assert.True(AgentHealth.WentSilent(Beat("b", 20), Now, Options));
    }

    [Fact]
    public void An_instance_holding_a_job_that_does_not_move_is_stalled_though_it_beats()
    {
        Assert.Equal("stalled", AgentHealth.StatusOf(Beat("a", 1), Now, Options, new HashSet<string> { "a" }));
        Assert.Equal("ok", AgentHealth.StatusOf(Beat("b", 1), Now, Options, new HashSet<string> { "a" }));
    }

    [Fact]
    public void A_dead_instance_is_forgotten_once_a_newer_one_of_its_agent_is_alive_or_after_a_day()
    {
        var dead = Beat("old", 90, startedMinutesAgo: 120);
        var stalled = Beat("hung", 20, startedMinutesAgo: 120);
        var replacement = Beat("new", 1, startedMinutesAgo: 1);
        Assert.False(AgentHealth.CanForget(dead, [dead], Now, Options));
        Assert.True(AgentHealth.CanForget(dead, [dead, replacement], Now, Options));
        Assert.False(AgentHealth.CanForget(stalled, [stalled, replacement], Now, Options)); // may still hold leases
        Assert.False(AgentHealth.CanForget(replacement, [dead, replacement], Now, Options));
        Assert.True(AgentHealth.CanForget(Beat("ancient", TimeSpan.FromDays(1).TotalSeconds), [], Now, Options));
    }

    [Fact]
    public void Each_instance_is_judged_by_its_own_interval_and_stopped_never_comes_before_twice_its_stall()
    {
        // A slow beater (every 30 s) is fine after 60 s of silence, stalled after 90 s, stopped only after 180 s.
        Assert.Equal("ok", AgentHealth.StatusOf(Beat("slow", 60, intervalSeconds: 30), Now, Options, None));
        Assert.Equal("stalled", AgentHealth.StatusOf(Beat("slow", 90, intervalSeconds: 30), Now, Options, None));
        Assert.Equal("stalled", AgentHealth.StatusOf(Beat("slow", 179, intervalSeconds: 30), Now, Options, None));
        Assert.Equal("stopped", AgentHealth.StatusOf(Beat("slow", 180, intervalSeconds: 30), Now, Options, None));
        // A fast one (every second) is stalled after 3 s.
        Assert.Equal("stalled", AgentHealth.StatusOf(Beat("fast", 3, intervalSeconds: 1), Now, Options, None));
    }
}
