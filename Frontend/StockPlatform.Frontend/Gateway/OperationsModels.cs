using System.Text.Json;

namespace StockPlatform.Frontend.Gateway;

// The gateway's operations answers (GET /agents, /alerts, /logs) and the events of GET /events
// that carry the same shapes (agent.status, alert.raised, alert.cleared, log).

/// <summary>
/// One running (or lately running) agent process, from its latest heartbeat. <see cref="Status"/>
/// is the gateway's verdict (<c>ok</c>, <c>stalled</c>, <c>stopped</c>); <see cref="State"/> is
/// what the agent said of itself (idle, working, paused, streaming, ...).
/// </summary>
public sealed record AgentInstance(
    string Agent, string Instance, string? Version, string Status, string? State, bool Paused, string? Task, double? Progress,
    IReadOnlyDictionary<string, double>? Counters, DateTime? StartedAt, DateTime SeenAt, double AgeSeconds, double? HeartbeatIntervalSeconds = null);

/// <summary>Whether an agent (every instance of it) is told to pause, and since when.</summary>
public sealed record AgentControl(string Agent, bool Paused, DateTime ChangedAt);

/// <summary>The body of <c>GET /agents</c>.</summary>
public sealed record AgentList(double CheckIntervalSeconds, IReadOnlyList<AgentInstance> Agents, IReadOnlyList<AgentControl> Controls);

/// <summary>
/// Something that needs a look: an agent that stopped sending heartbeats or stopped, or a job that
/// made no progress. It is active until <see cref="ClearedAt"/> is set.
/// </summary>
public sealed record Alert(long Id, string Kind, string? Agent, string? Instance, Guid? JobId, string Message, DateTime RaisedAt, DateTime? ClearedAt)
{
    /// <summary>The event types of alerts.</summary>
    public const string RaisedKind = "alert.raised", ClearedKind = "alert.cleared";

    public bool IsActive => ClearedAt is null;

    /// <summary>The alert an event carries, or null when it is not an alert event (or cannot be read).</summary>
    public static Alert? From(GatewayEvent e) =>
        e.Kind is RaisedKind or ClearedKind ? EventData.Read<Alert>(e.Data) : null;
}

/// <summary>The body of <c>GET /alerts</c>.</summary>
public sealed record AlertList(IReadOnlyList<Alert> Alerts);

/// <summary>One structured log line of an agent, as the gateway stores it.</summary>
public sealed record LogEntry(
    long Id, DateTime Timestamp, string Level, string? Agent, string? Instance, string? Category, string? Symbol, string? Stage, string Message,
    string? TraceId, string? SpanId, string? Exception, IReadOnlyDictionary<string, JsonElement>? Props)
{
    /// <summary>The event type of a log line on the stream.</summary>
    public const string EventKind = "log";

    /// <summary>The log line an event carries, or null when it is not a log event (or cannot be read).</summary>
    public static LogEntry? From(GatewayEvent e) => e.Kind == EventKind ? EventData.Read<LogEntry>(e.Data) : null;
}

/// <summary>A page of <c>GET /logs</c>, newest first; <see cref="NextPageToken"/> asks for the older lines.</summary>
public sealed record LogPage(IReadOnlyList<LogEntry> Logs, string? NextPageToken);

/// <summary>Reads an event's JSON data as one of the gateway's shapes.</summary>
internal static class EventData
{
    /// <summary>The data as <typeparamref name="T"/>, or null when it is not an object of that shape.</summary>
    public static T? Read<T>(JsonElement data) where T : class
    {
        if (data.ValueKind != JsonValueKind.Object) return null;
        try
        {
            return data.Deserialize<T>(GatewayClient.Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
