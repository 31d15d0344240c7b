using MassTransit;
using StockPlatform.Ingestion.Backfill;
using StockPlatform.Ingestion.Calendar;
using StockPlatform.Ingestion.CorporateActions;
using StockPlatform.Ingestion.JobTasks;
using StockPlatform.MarketData.Extensions;
using StockPlatform.ServiceDefaults.Agents;
using StockPlatform.ServiceDefaults.Messaging;
using StockPlatform.Storage.Extensions;

namespace StockPlatform.Ingestion.Extensions;

internal static class IngestionServiceExtensions
{
    /// <summary>
    /// The hot store, the Alpaca client, the agent model (heartbeats, pause), the backfill and
    /// corporate-actions consumers and the task sweeper.
    /// </summary>
    public static WebApplicationBuilder AddIngestion(this WebApplicationBuilder builder)
    {
        builder.AddStorage();
        builder.AddAlpacaMarketData();
        builder.Services.AddOptions<IngestionOptions>()
            .BindConfiguration(IngestionOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton<FetchSlots>();
        builder.Services.AddScoped<TradingCalendar>();
        builder.Services.AddScoped<TaskOutcomes>();
        builder.Services.AddScoped<CorporateActionsQueue>();
        builder.Services.AddScoped<BatchBackfiller>();
        builder.Services.AddScoped<CorporateActionRefresher>();
        builder.AddAgent("ingestion");
        builder.AddMessageBus(bus =>
        {
            bus.AddConsumer<BackfillWindowConsumer, BackfillWindowConsumerDefinition>();
            bus.AddConsumer<RefreshCorporateActionsConsumer>();
        });
        builder.Services.AddHostedService<TaskSweeper>();
        return builder;
    }
}
