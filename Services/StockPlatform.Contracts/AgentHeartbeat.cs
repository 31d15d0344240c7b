namespace StockPlatform.Contracts;

/// <summary>
/// Event: an agent instance is alive. Sent every few seconds and once more, with state
/// <c>stopped</c>, when the instance shuts down cleanly; a heartbeat that stops coming is how a
/// stuck or killed agent is noticed.
/// </summary>
/// <param name="Agent">The agent's name (ingestion, livestream, features).</param>
/// <param name="Instance">The process sending it.</param>
/// <param name="Version">The build it runs.</param>
/// <param name="State">What it is doing: idle, working, paused, streaming, standby, stopped...</param>
/// <param name="Task">The work in hand, in a line, if any.</param>
/// <param name="Progress">0..1 when the work in hand has a known size.</param>
/// <param name="Counters">Running totals since the process started (bars stored, pages fetched...).</param>
/// <param name="Paused">Whether the agent is paused (it takes no new work).</param>
/// <param name="StartedAt">When the process started.</param>
/// <param name="SeenAt">When this heartbeat was sent.</param>
/// <param name="Interval">How often this instance beats: its silence is judged in these.</param>
public sealed record AgentHeartbeat(
    string Agent,
    string Instance,
    string Version,
    string State,
    string? Task,
    double? Progress,
    IReadOnlyDictionary<string, long> Counters,
    bool Paused,
    DateTimeOffset StartedAt,
    DateTimeOffset SeenAt,
    TimeSpan Interval);
