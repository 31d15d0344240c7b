using MassTransit;
using Microsoft.Extensions.Options;
using StockPlatform.Contracts;

namespace StockPlatform.Features.Archiving;

/// <summary>
/// Takes <see cref="TicksIngested"/> events in batches and archives each day they name once
/// (<see cref="IngestedTicksArchiver"/>). The events are acknowledged when the batch ends, so an
/// agent killed midway gets them again, and a partition written twice is the same partition.
/// </summary>
public sealed class TicksIngestedConsumer(IngestedTicksArchiver archiver) : IConsumer<Batch<TicksIngested>>
{
    /// <inheritdoc />
    public Task Consume(ConsumeContext<Batch<TicksIngested>> context) =>
        archiver.ArchiveAsync(context.Message.Select(entry => entry.Message), context.CancellationToken);
}

/// <summary>How events are batched (<see cref="FeaturesOptions.BatchSize"/>, <see cref="FeaturesOptions.BatchWait"/>), as the bars' events are.</summary>
public sealed class TicksIngestedConsumerDefinition(IOptions<FeaturesOptions> options) : ConsumerDefinition<TicksIngestedConsumer>
{
    /// <inheritdoc />
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TicksIngestedConsumer> consumerConfigurator, IRegistrationContext context)
    {
        var settings = options.Value;
        // One batch at a time: two writers of one partition must not race their index records.
        consumerConfigurator.Options<BatchOptions>(batch => batch
            .SetMessageLimit(settings.BatchSize)
            .SetTimeLimit(settings.BatchWait)
            .SetTimeLimitStart(BatchTimeLimitStart.FromLast)
            .SetConcurrencyLimit(1));
    }
}
