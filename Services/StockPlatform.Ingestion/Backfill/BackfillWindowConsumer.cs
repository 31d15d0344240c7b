using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Options;
using StockPlatform.Contracts;
using StockPlatform.ServiceDefaults.Telemetry;

namespace StockPlatform.Ingestion.Backfill;

/// <summary>
/// Takes <see cref="BackfillWindow"/> messages off the queue in batches: the windows queued close
/// together (one job's, or many jobs' posted in a burst) are fetched together, so windows of
/// different symbols over the same dates share Alpaca's multi-symbol pages. The messages are
/// acknowledged when the batch ends; a crash leaves them to be delivered again, and the windows'
/// leases keep a redelivery from running one twice.
/// </summary>
public sealed class BackfillWindowConsumer(BatchBackfiller backfiller) : IConsumer<Batch<BackfillWindow>>
{
    /// <inheritdoc />
    public Task Consume(ConsumeContext<Batch<BackfillWindow>> context)
    {
        // The batch runs in the trace of its last message; windows of other jobs (other requests,
        // other traces) are linked, so each job's trace leads to the work done for it.
        MessageTrace.LinkBatch(Activity.Current, context.Message.Select(MessageTrace.ContextOf));
        return backfiller.RunAsync([.. context.Message.Select(entry => entry.Message)], context.CancellationToken);
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
