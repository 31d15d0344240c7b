using MassTransit;
using StockPlatform.LiveStream.Streaming;
using StockPlatform.LiveStream.Tracking;
using StockPlatform.MarketData.Extensions;
using StockPlatform.ServiceDefaults.Agents;
using StockPlatform.ServiceDefaults.Messaging;
using StockPlatform.Storage.Extensions;

namespace StockPlatform.LiveStream.Extensions;

internal static class LiveStreamServiceExtensions
{
    /// <summary>The hot store, the Alpaca stream, leadership, the batched writer, tracking changes, and the agent model (heartbeats, pause).</summary>
    public static WebApplicationBuilder AddLiveStream(this WebApplicationBuilder builder)
    {
        builder.AddStorage();
        builder.AddAlpacaMarketData();
        builder.Services.AddOptions<LiveStreamOptions>()
            .BindConfiguration(LiveStreamOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton<StreamState>();
        builder.Services.AddSingleton<LeaderLock>();
        builder.Services.AddSingleton<BarWriter>();
        builder.Services.AddSingleton<TickWriter>();
        builder.Services.AddSingleton<GapBackfill>();
        builder.Services.AddSingleton<MinuteGapFiller>();
        builder.Services.AddSingleton<TickGapFiller>();
        builder.Services.AddSingleton<IAgentReporter, StreamReporter>();
        builder.AddAgent("livestream");
        builder.AddMessageBus(bus => bus.AddConsumer<TrackingConsumer, TrackingConsumerDefinition>());
        builder.Services.AddHostedService<LiveStreamAgent>();
        return builder;
    }
}
