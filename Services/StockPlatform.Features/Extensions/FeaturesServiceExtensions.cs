using MassTransit;
using StockPlatform.Archive;
using StockPlatform.Features.Archiving;
using StockPlatform.Features.Building;
using StockPlatform.ServiceDefaults.Agents;
using StockPlatform.ServiceDefaults.Messaging;
using StockPlatform.Storage.Extensions;

namespace StockPlatform.Features.Extensions;

internal static class FeaturesServiceExtensions
{
    /// <summary>The hot store, the archive, the feature builder, the consumers that keep both current (bars and features on BarsIngested, trades and quotes partitions on TicksIngested), the hot store's retention, and the agent model (heartbeats, pause).</summary>
    public static WebApplicationBuilder AddFeatures(this WebApplicationBuilder builder)
    {
        builder.AddStorage();
        builder.Services.AddArchive(builder.Configuration);
        builder.Services.AddOptions<FeaturesOptions>()
            .BindConfiguration(FeaturesOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton<FeatureRegistry>();
        builder.Services.AddSingleton<FeatureBuilder>();
        builder.Services.AddSingleton<SymbolLocks>();
        builder.Services.AddScoped<SymbolRefresher>();
        builder.Services.AddScoped<IngestedTicksArchiver>();
        builder.AddAgent("features");
        builder.AddMessageBus(bus =>
        {
            bus.AddConsumer<BarsIngestedConsumer, BarsIngestedConsumerDefinition>();
            bus.AddConsumer<LiveBarsConsumer, LiveBarsConsumerDefinition>();
            bus.AddConsumer<RebuildFeaturesConsumer>();
            bus.AddConsumer<TicksIngestedConsumer, TicksIngestedConsumerDefinition>();
        });
        builder.Services.AddHostedService<FeatureSetRegistration>();
        builder.Services.AddHostedService<RebuildSweeper>();
        builder.Services.AddHostedService<RetentionService>();
        return builder;
    }
}
