using System.Collections.Concurrent;

namespace StockPlatform.Ingestion.Agents;

/// <summary>What the agent is doing right now, for its heartbeats.</summary>
public sealed class AgentState
{
    /// <summary>The agent's name in logs, heartbeats and the dashboard.</summary>
    public const string AgentName = "ingestion";

    private readonly ConcurrentDictionary<Guid, string> _working = new();

    /// <summary>This process's instance id (host and process id).</summary>
    public string Instance { get; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>Marks a task as in progress with a short description.</summary>
    public void Begin(Guid taskId, string detail) => _working[taskId] = detail;

    /// <summary>Updates the description of a task in progress.</summary>
    public void Update(Guid taskId, string detail) => _working[taskId] = detail;

    /// <summary>Marks a task as no longer in progress.</summary>
    public void End(Guid taskId) => _working.TryRemove(taskId, out _);

    /// <summary>"working" or "idle", and what is being worked on.</summary>
    public (string State, string? Detail) Snapshot()
    {
        var current = _working.Values.ToList();
        return current.Count == 0 ? ("idle", null) : ("working", string.Join("; ", current));
    }
}
