using MassTransit;
using StockPlatform.Contracts;
using StockPlatform.LiveStream.Streaming;
using StockPlatform.MarketData.Alpaca.Stream;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.LiveStream.Tracking;

/// <summary>
/// Changes the open stream's subscription (bars, and trades and quotes where asked) when a symbol is tracked, retracked or untracked, without a
/// restart; a new symbol's minutes of the session so far are filled when its first one arrives. Every instance hears
/// every change (a queue of its own): a standby instance keeps the same subscription ready.
/// </summary>
public sealed class TrackingConsumer(AlpacaStreamClient stream, MinuteGapFiller gaps, TickGapFiller tickGaps) : IConsumer<TrackSymbol>, IConsumer<UntrackSymbol>
{
    /// <inheritdoc />
    public async Task Consume(ConsumeContext<TrackSymbol> context)
    {
        if (!Symbol.TryParse(context.Message.Symbol, out var symbol)) return;
        await gaps.ArmAsync([symbol], context.CancellationToken);
        await stream.SubscribeAsync([symbol], updatedBars: true, cancellationToken: context.CancellationToken);
        // A second PUT may turn trades or quotes off as well as on.
        var on = (context.Message.Trades ? StreamChannels.Trades : StreamChannels.None) | (context.Message.Quotes ? StreamChannels.Quotes : StreamChannels.None);
        var off = (StreamChannels.Trades | StreamChannels.Quotes) & ~on;
        if (on != StreamChannels.None)
        {
            // Ticks newly asked for: the session's so far are filled when the first one streams.
            tickGaps.Arm(context.Message.Trades && !stream.TradeSymbols.Contains(symbol.Value) ? [symbol.Value] : [],
                context.Message.Quotes && !stream.QuoteSymbols.Contains(symbol.Value) ? [symbol.Value] : []);
            await stream.SubscribeAsync([symbol], on, context.CancellationToken);
        }
        if (off != StreamChannels.None) await stream.UnsubscribeAsync([symbol], off, context.CancellationToken);
    }

    /// <inheritdoc />
    public Task Consume(ConsumeContext<UntrackSymbol> context) =>
        Symbol.TryParse(context.Message.Symbol, out var symbol)
            ? stream.UnsubscribeAsync([symbol], context.CancellationToken)
            : Task.CompletedTask;
}

/// <summary>A temporary queue per instance, so each one hears every tracking change.</summary>
public sealed class TrackingConsumerDefinition : ConsumerDefinition<TrackingConsumer>
{
    /// <summary>Names the instance's queue.</summary>
    public TrackingConsumerDefinition()
    {
        Endpoint(endpoint =>
        {
            endpoint.InstanceId = Guid.NewGuid().ToString("N");
            endpoint.Temporary = true;
        });
    }
}
