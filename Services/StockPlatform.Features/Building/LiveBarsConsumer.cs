using MassTransit;
using Microsoft.Extensions.Options;
using StockPlatform.Contracts;

namespace StockPlatform.Features.Building;

/// <summary>
/// Keeps features current with the live stream: the minutes it stores (<see cref="BarReceived"/>)
/// arrive in batches, and each symbol's features resume from the earliest of them, a few
/// milliseconds of work a minute. Today's session is not complete, so nothing is archived here.
/// </summary>
public sealed class LiveBarsConsumer(SymbolRefresher refresher) : IConsumer<Batch<BarReceived>>
{
    /// <inheritdoc />
    public Task Consume(ConsumeContext<Batch<BarReceived>> context) =>
        refresher.RefreshBatchAsync(context.Message, m => m.Symbol, m => m.Timestamp, _ => [], context.CancellationToken);
}

/// <summary>Batches of live bars: the bars of every symbol arrive together at each minute mark.</summary>
public sealed class LiveBarsConsumerDefinition(IOptions<FeaturesOptions> options) : ConsumerDefinition<LiveBarsConsumer>
{
    /// <inheritdoc />
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<LiveBarsConsumer> consumerConfigurator, IRegistrationContext context)
    {
        consumerConfigurator.Options<BatchOptions>(batch => batch
            .SetMessageLimit(options.Value.BatchSize)
            .SetTimeLimit(TimeSpan.FromMilliseconds(500))
            .SetTimeLimitStart(BatchTimeLimitStart.FromLast)
            .SetConcurrencyLimit(1));
    }
}
