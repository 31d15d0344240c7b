namespace StockPlatform.Contracts;

/// <summary>
/// Event: an agent instance is alive. Sent every few seconds; a stalled heartbeat is how the
/// dashboard notices a stuck or dead agent. <paramref name="Progress"/> is 0..1 when known.
/// </summary>
public sealed record AgentHeartbeat(
    string Agent,
    string Instance,
    string State,
    string? Detail,
    double? Progress,
    DateTimeOffset SeenAt);
