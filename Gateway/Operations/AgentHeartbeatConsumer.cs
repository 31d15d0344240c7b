using MassTransit;
using StockPlatform.Contracts;
using StockPlatform.Storage.Agents;

namespace StockPlatform.Gateway.Operations;

/// <summary>Records every agent's heartbeats in <c>agent_heartbeats</c> (one gateway of several takes each).</summary>
public sealed class AgentHeartbeatConsumer(AgentStore agents) : IConsumer<AgentHeartbeat>
{
    /// <inheritdoc />
    public Task Consume(ConsumeContext<AgentHeartbeat> context)
    {
        var beat = context.Message;
        return agents.RecordAsync(new AgentBeat(beat.Agent, beat.Instance, beat.Version, beat.State, beat.Task, beat.Progress,
            beat.Counters, beat.Paused, beat.StartedAt, beat.SeenAt, beat.Interval), context.CancellationToken);
    }
}
