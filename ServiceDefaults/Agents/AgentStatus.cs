using System.Collections.Concurrent;

namespace StockPlatform.ServiceDefaults.Agents;

/// <summary>What an agent's heartbeat reports at one moment.</summary>
public sealed record AgentReport(string State, string? Task, double? Progress, IReadOnlyDictionary<string, long> Counters);

/// <summary>
/// What this agent instance is doing, for its heartbeats: the tasks in hand (with progress), a
/// state set by agents with a life of their own (the live stream's <c>streaming</c>), and running
/// counters. Thread-safe: work updates it from anywhere, the heartbeat reads it.
/// </summary>
public sealed class AgentStatus
{
    private readonly ConcurrentDictionary<string, (string Description, double? Progress)> _tasks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _counters = new(StringComparer.Ordinal);
    private volatile string? _state;

    /// <summary>Sets the state shown instead of <c>working</c>/<c>idle</c>; null goes back to those.</summary>
    public void SetState(string? state) => _state = state;

    /// <summary>Marks a task (by a key of the caller's) as in hand.</summary>
    public void BeginTask(string key, string description, double? progress = null) => _tasks[key] = (description, progress);

    /// <summary>Updates a task in hand; a task not begun is begun.</summary>
    public void UpdateTask(string key, string description, double? progress) => _tasks[key] = (description, progress);

    /// <summary>Marks a task as no longer in hand.</summary>
    public void EndTask(string key) => _tasks.TryRemove(key, out _);

    /// <summary>Adds to a running counter.</summary>
    public void Count(string counter, long by = 1) => _counters.AddOrUpdate(counter, by, (_, value) => value + by);

    /// <summary>Sets a counter kept elsewhere (a gauge-like total).</summary>
    public void SetCounter(string counter, long value) => _counters[counter] = value;

    /// <summary>
    /// The report a heartbeat sends: <c>paused</c> when paused, else the state set, else
    /// <c>working</c> with the tasks in hand or <c>idle</c>. Several tasks are joined in one line,
    /// and their progress is the mean of those that know theirs.
    /// </summary>
    public AgentReport Snapshot(bool paused)
    {
        var tasks = _tasks.OrderBy(task => task.Key, StringComparer.Ordinal).Select(task => task.Value).ToList();
        var known = tasks.Where(task => task.Progress is not null).Select(task => task.Progress!.Value).ToList();
        var state = paused ? "paused" : _state ?? (tasks.Count > 0 ? "working" : "idle");
        return new AgentReport(
            state,
            tasks.Count == 0 ? null : string.Join("; ", tasks.Select(task => task.Description)),
            known.Count == 0 ? null : Math.Clamp(known.Average(), 0, 1),
            new SortedDictionary<string, long>(_counters, StringComparer.Ordinal));
    }
}
