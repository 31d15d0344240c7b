namespace StockPlatform.ServiceDefaults.Agents;

/// <summary>
/// Where an agent's pause is kept, so it survives the agent's restart and reaches an instance that
/// missed the bus message. StockPlatform.Storage implements it on PostgreSQL.
/// </summary>
public interface IAgentControlStore
{
    /// <summary>Whether the agent named <paramref name="agent"/> is to be paused (false when never set).</summary>
    Task<bool> IsPausedAsync(string agent, CancellationToken cancellationToken = default);
}
