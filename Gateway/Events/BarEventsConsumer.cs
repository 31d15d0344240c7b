using MassTransit;
using StockPlatform.Contracts;

namespace StockPlatform.Gateway.Events;

/// <summary>
/// Puts the live stream's bars on the gateway's <see cref="EventFeed"/>: <c>bar.new</c> for a
/// minute first stored, <c>bar.correction</c> for an updated bar that replaced one.
/// </summary>
public sealed class BarEventsConsumer(EventFeed feed) : IConsumer<BarReceived>
{
    /// <inheritdoc />
    public Task Consume(ConsumeContext<BarReceived> context)
    {
        var e = context.Message;
        feed.Append(e.IsCorrection ? "bar.correction" : "bar.new", [e.Symbol], new
        {
            symbol = e.Symbol, timestamp = e.Timestamp.UtcDateTime, open = e.Open, high = e.High, low = e.Low, close = e.Close,
            volume = e.Volume, trade_count = e.TradeCount, vwap = e.Vwap, feed = e.Feed,
        }, e.Timestamp.AddMinutes(1));
        return Task.CompletedTask;
    }
}

/// <summary>A queue per gateway instance: every gateway streams every bar to its own clients.</summary>
public sealed class BarEventsConsumerDefinition : ConsumerDefinition<BarEventsConsumer>
{
    /// <summary>Names the instance's queue.</summary>
    public BarEventsConsumerDefinition()
    {
        Endpoint(endpoint =>
        {
            endpoint.InstanceId = Guid.NewGuid().ToString("N");
            endpoint.Temporary = true;
        });
    }
}
