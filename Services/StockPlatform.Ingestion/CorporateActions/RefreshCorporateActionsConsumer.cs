using MassTransit;
using StockPlatform.Contracts;
using StockPlatform.ServiceDefaults.Agents;

namespace StockPlatform.Ingestion.CorporateActions;

/// <summary>
/// Takes <see cref="RefreshCorporateActions"/> tasks off the queue. A pause cancels the work like a
/// shutdown: the task goes back to be sent again, and the stopped queue holds the rest.
/// </summary>
public sealed class RefreshCorporateActionsConsumer(CorporateActionRefresher refresher, AgentControl control) : IConsumer<RefreshCorporateActions>
{
    /// <inheritdoc />
    public async Task Consume(ConsumeContext<RefreshCorporateActions> context)
    {
        using var work = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, control.PausedToken);
        await refresher.RunAsync(context.Message, work.Token);
    }
}
