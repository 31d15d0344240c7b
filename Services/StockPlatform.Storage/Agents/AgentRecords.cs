namespace StockPlatform.Storage.Agents;

/// <summary>The latest heartbeat of one agent instance, as stored in <c>agent_heartbeats</c>.</summary>
public sealed record AgentBeat(
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

/// <summary>The pause an operator asked for an agent.</summary>
public sealed record AgentControlState(string Agent, bool Paused, DateTimeOffset ChangedAt);

/// <summary>An alert: <see cref="Kind"/> is <c>agent-stalled</c> or <c>job-stalled</c>; active while <see cref="ClearedAt"/> is null.</summary>
public sealed record AgentAlert(long Id, string Kind, string Agent, string? Instance, Guid? JobId, string Message, DateTimeOffset RaisedAt, DateTimeOffset? ClearedAt);

/// <summary>
/// A running job whose progress has not changed since <see cref="UpdatedAt"/>, with the agent
/// instances holding its windows' leases (the ones that are stuck, if any is).
/// </summary>
public sealed record QuietJob(Guid Id, string Kind, string Symbols, DateTimeOffset UpdatedAt, IReadOnlyList<string> LeaseOwners);
