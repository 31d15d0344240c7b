using MassTransit;
using Microsoft.Extensions.Options;
using StockPlatform.Contracts;
using StockPlatform.Features.Calculation;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.Features.Building;

/// <summary>
/// Keeps features current with the live stream: the minutes it stores (<see cref="BarReceived"/>)
/// arrive in batches, and each symbol's features resume from the earliest of them, a few
/// milliseconds of work a minute. Today's session is not complete, so nothing is archived here.
/// </summary>
public sealed class LiveBarsConsumer(SymbolRefresher refresher) : IConsumer<Batch<BarReceived>>
{
    /// <inheritdoc />
    public async Task Consume(ConsumeContext<Batch<BarReceived>> context)
    {
        foreach (var symbol in context.Message.Select(entry => entry.Message).GroupBy(message => message.Symbol, StringComparer.Ordinal))
        {
            if (!Symbol.TryParse(symbol.Key, out var ticker)) continue;
            await refresher.RefreshAsync(ticker, FeatureSets.All, symbol.Min(bar => bar.Timestamp), [], cancellationToken: context.CancellationToken);
        }
    }
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
