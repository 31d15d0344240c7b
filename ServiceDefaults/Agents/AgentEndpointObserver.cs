using MassTransit;

namespace StockPlatform.ServiceDefaults.Agents;

/// <summary>Hands every receive endpoint, as it becomes ready, to the <see cref="AgentControl"/> that may stop it.</summary>
internal sealed class AgentEndpointObserver(AgentControl control) : IReceiveEndpointObserver
{
    public Task Ready(ReceiveEndpointReady ready)
    {
        control.EndpointReady(ready.ReceiveEndpoint);
        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;
}
