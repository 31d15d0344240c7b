using MassTransit;
using Microsoft.Extensions.Options;
using StockPlatform.Contracts;

namespace StockPlatform.Features.Building;

/// <summary>
/// Takes <see cref="BarsIngested"/> events in batches and refreshes each symbol once per batch,
/// from the earliest bar any of its events changed: a backfill's many windows for one symbol
/// cost one recomputation, not one each. The events are acknowledged when the batch ends, so an
/// agent killed midway gets them again, and a refresh repeated changes nothing.
/// </summary>
public sealed class BarsIngestedConsumer(SymbolRefresher refresher) : IConsumer<Batch<BarsIngested>>
{
    /// <inheritdoc />
    public Task Consume(ConsumeContext<Batch<BarsIngested>> context) =>
        refresher.RefreshBatchAsync(context.Message, m => m.Symbol, m => m.From, m => m.Sessions, context.CancellationToken);
}

/// <summary>How events are batched (<see cref="FeaturesOptions.BatchSize"/>, <see cref="FeaturesOptions.BatchWait"/>).</summary>
public sealed class BarsIngestedConsumerDefinition(IOptions<FeaturesOptions> options) : ConsumerDefinition<BarsIngestedConsumer>
{
    /// <inheritdoc />
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<BarsIngestedConsumer> consumerConfigurator, IRegistrationContext context)
    {
        var settings = options.Value;
        // One batch at a time: two refreshes of one symbol must not interleave their writes.
        consumerConfigurator.Options<BatchOptions>(batch => batch
            .SetMessageLimit(settings.BatchSize)
            .SetTimeLimit(settings.BatchWait)
            .SetTimeLimitStart(BatchTimeLimitStart.FromLast)
            .SetConcurrencyLimit(1));
    }
}
