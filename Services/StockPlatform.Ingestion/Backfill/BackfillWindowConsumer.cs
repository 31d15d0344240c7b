using MassTransit;
using Microsoft.Extensions.Options;
using StockPlatform.Contracts;

namespace StockPlatform.Ingestion.Backfill;

/// <summary>
/// Takes <see cref="BackfillWindow"/> messages off the queue. Transient failures (Alpaca
/// unavailable, a database restart) throw, so the bus retries and, failing that, the message
/// lands in the error queue while the task stays open for the sweeper: nothing is dropped.
/// </summary>
public sealed class BackfillWindowConsumer(WindowBackfiller backfiller) : IConsumer<BackfillWindow>
{
    /// <inheritdoc />
    public Task Consume(ConsumeContext<BackfillWindow> context) => backfiller.RunAsync(context.Message, context.CancellationToken);
}

/// <summary>Bounds how many windows run at once; they all share the one Alpaca rate budget.</summary>
public sealed class BackfillWindowConsumerDefinition : ConsumerDefinition<BackfillWindowConsumer>
{
    /// <summary>Creates the definition from <see cref="IngestionOptions.MaxConcurrentWindows"/>.</summary>
    public BackfillWindowConsumerDefinition(IOptions<IngestionOptions> options)
    {
        // MassTransit sizes the prefetch from this limit, so the rest stay queued for other instances.
        ConcurrentMessageLimit = options.Value.MaxConcurrentWindows;
    }
}
