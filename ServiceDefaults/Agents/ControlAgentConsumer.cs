using MassTransit;
using Microsoft.Extensions.Options;
using StockPlatform.Contracts;

namespace StockPlatform.ServiceDefaults.Agents;

/// <summary>
/// Applies <see cref="ControlAgent"/> commands addressed to this agent (or to this instance).
/// The store holds the same wish, so an instance that misses the message catches up at its next heartbeat.
/// </summary>
internal sealed class ControlAgentConsumer(AgentIdentity identity, AgentControl control, IOptions<AgentOptions> options) : IConsumer<ControlAgent>
{
    public Task Consume(ConsumeContext<ControlAgent> context)
    {
        var command = context.Message;
        if (!string.Equals(command.Agent, identity.Name, StringComparison.Ordinal)) return Task.CompletedTask;
        if (command.Instance is not null && !string.Equals(command.Instance, identity.Instance, StringComparison.Ordinal)) return Task.CompletedTask;
        // Not awaited: pausing waits for the work in hand, which must not hold this queue meanwhile.
        control.Request(command.Command == AgentCommand.Pause, "command", options.Value.PauseTimeout);
        return Task.CompletedTask;
    }
}

/// <summary>A temporary queue per instance: every instance hears every command.</summary>
internal sealed class ControlAgentConsumerDefinition : ConsumerDefinition<ControlAgentConsumer>
{
    public ControlAgentConsumerDefinition()
    {
        Endpoint(endpoint =>
        {
            endpoint.InstanceId = Guid.NewGuid().ToString("N");
            endpoint.Temporary = true;
        });
    }
}
