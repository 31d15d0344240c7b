using StockPlatform.ServiceDefaults.Agents;

namespace StockPlatform.ServiceDefaults.Tests.Agents;

public class AgentStatusTests
{
    [Fact]
    public void An_agent_with_nothing_in_hand_is_idle_and_with_tasks_is_working_on_all_of_them()
    {
        var status = new AgentStatus();
        var idle = status.Snapshot(paused: false);
        Assert.Equal(("idle", (string?)null, (double?)null), (idle.State, idle.Task, idle.Progress));
        Assert.Empty(idle.Counters);

        status.BeginTask("b", "QQQ 2024-01-02..2024-01-05", 0.5);
        status.BeginTask("a", "SPY 2024-01-02..2024-01-05");
        var working = status.Snapshot(paused: false);
        Assert.Equal("working", working.State);
        Assert.Equal("SPY 2024-01-02..2024-01-05; QQQ 2024-01-02..2024-01-05", working.Task);
        Assert.Equal(0.5, working.Progress); // only the task that knows its progress counts

        status.UpdateTask("a", "SPY page 2", 0.25);
        Assert.Equal(0.375, status.Snapshot(paused: false).Progress);
        status.EndTask("a");
        status.EndTask("b");
        Assert.Equal("idle", status.Snapshot(paused: false).State);
    }

    [Fact]
    public void Paused_wins_over_any_state_and_a_set_state_wins_over_working()
    {
        var status = new AgentStatus();
        status.BeginTask("t", "rebuild SPY");
        status.SetState("streaming");
        Assert.Equal("streaming", status.Snapshot(paused: false).State);
        Assert.Equal("paused", status.Snapshot(paused: true).State);
        status.SetState(null);
        Assert.Equal("working", status.Snapshot(paused: false).State);
    }

    [Fact]
    public void Counters_add_up_across_threads_and_the_snapshot_is_a_copy()
    {
        var status = new AgentStatus();
        Parallel.For(0, 1000, _ => status.Count("pages_fetched"));
        status.Count("bars_inserted", 390);
        status.SetCounter("reconnects", 2);
        var report = status.Snapshot(paused: false);
        status.Count("pages_fetched");
        Assert.Equal(1000, report.Counters["pages_fetched"]);
        Assert.Equal(390, report.Counters["bars_inserted"]);
        Assert.Equal(2, report.Counters["reconnects"]);
        Assert.Equal(1001, status.Snapshot(paused: false).Counters["pages_fetched"]);
    }

    [Fact]
    public void Progress_stays_within_zero_and_one()
    {
        var status = new AgentStatus();
        status.BeginTask("t", "x", 1.7);
        Assert.Equal(1, status.Snapshot(paused: false).Progress);
    }
}
