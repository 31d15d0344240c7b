using MassTransit;
using StockPlatform.Ingestion.Agents;
using StockPlatform.Ingestion.Backfill;
using StockPlatform.MarketData.Extensions;
using StockPlatform.ServiceDefaults.Messaging;
using StockPlatform.Storage.Extensions;

namespace StockPlatform.Ingestion.Extensions;

internal static class IngestionServiceExtensions
{
    /// <summary>The hot store, the Alpaca client, the backfill consumer, the task sweeper and heartbeats.</summary>
    public static WebApplicationBuilder AddIngestion(this WebApplicationBuilder builder)
    {
        builder.AddStorage();
        builder.AddAlpacaMarketData();
        builder.Services.AddOptions<IngestionOptions>()
            .BindConfiguration(IngestionOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton<AgentState>();
        builder.Services.AddSingleton<FetchSlots>();
        builder.Services.AddScoped<BatchBackfiller>();
        builder.AddMessageBus(bus => bus.AddConsumer<BackfillWindowConsumer, BackfillWindowConsumerDefinition>());
        builder.Services.AddHostedService<TaskSweeper>();
        builder.Services.AddHostedService<HeartbeatPublisher>();
        return builder;
    }
}
