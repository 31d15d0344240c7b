namespace StockPlatform.ServiceDefaults.Agents;

/// <summary>
/// Refreshes an agent's <see cref="AgentStatus"/> just before each heartbeat, for state that is
/// judged rather than recorded (the live stream is <c>stalled</c> when silent too long in market hours).
/// </summary>
public interface IAgentReporter
{
    /// <summary>Updates <paramref name="status"/> as of <paramref name="now"/>.</summary>
    void Report(AgentStatus status, DateTimeOffset now);
}
