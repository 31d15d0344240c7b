using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Options;
using StockPlatform.Contracts;
using StockPlatform.ServiceDefaults.Agents;
using StockPlatform.ServiceDefaults.Telemetry;

namespace StockPlatform.Ingestion.Backfill;

/// <summary>
/// Takes <see cref="BackfillWindow"/> messages off the queue in batches: the windows queued close
/// together (one job's, or many jobs' posted in a burst) are fetched together, so windows of
/// different symbols over the same dates share Alpaca's multi-symbol pages. The messages are
/// acknowledged when the batch ends; a crash leaves them to be delivered again, and the windows'
/// leases keep a redelivery from running one twice.
/// </summary>
/// <remarks>
/// A pause cancels the batch like a shutdown does: its windows are handed back to be sent again
/// (the ledger keeps every whole session already fetched), and the stopped queue holds the rest.
/// </remarks>
public sealed class BackfillWindowConsumer(BatchBackfiller backfiller, AgentControl control) : IConsumer<Batch<BackfillWindow>>
{
    /// <inheritdoc />
    public async Task Consume(ConsumeContext<Batch<BackfillWindow>> context)
    {
        // The batch runs in the trace of its last message; windows of other jobs (other requests,
        // other traces) are linked, so each job's trace leads to the work done for it.
        MessageTrace.LinkBatch(Activity.Current, context.Message.Select(MessageTrace.ContextOf));
        using var work = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, control.PausedToken);
        await backfiller.RunAsync([.. context.Message.Select(entry => entry.Message)], work.Token);
    }
}

/// <summary>How windows are batched (<see cref="IngestionOptions.BatchSize"/>, <see cref="IngestionOptions.BatchWait"/>).</summary>
public sealed class BackfillWindowConsumerDefinition(IOptions<IngestionOptions> options) : ConsumerDefinition<BackfillWindowConsumer>
{
    /// <inheritdoc />
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<BackfillWindowConsumer> consumerConfigurator, IRegistrationContext context)
    {
        var settings = options.Value;
        // A batch closes once no window has arrived for BatchWait (a burst of requests lands in
        // one), or at BatchSize. MassTransit sizes the prefetch from these limits, so windows
        // beyond them stay queued for other agents.
        consumerConfigurator.Options<BatchOptions>(batch => batch
            .SetMessageLimit(settings.BatchSize)
            .SetTimeLimit(settings.BatchWait)
            .SetTimeLimitStart(BatchTimeLimitStart.FromLast)
            .SetConcurrencyLimit(settings.ConcurrentBatches));
    }
}
