using System.Text.Json;
using MassTransit;
using StockPlatform.Archive;
using StockPlatform.Gateway.Apis;
using StockPlatform.Gateway.Events;
using StockPlatform.Gateway.Operations;
using StockPlatform.Gateway.Security;
using StockPlatform.ServiceDefaults.Agents;
using StockPlatform.ServiceDefaults.Messaging;
using StockPlatform.Storage.Extensions;

namespace StockPlatform.Gateway.Extensions;

internal static class GatewayServiceExtensions
{
    public static WebApplicationBuilder AddGatewayServices(this WebApplicationBuilder builder)
    {
        // The gateway is not an agent (no heartbeats, nothing to pause), but its logs say who wrote them.
        builder.Services.AddSingleton(AgentIdentity.ForCurrentProcess("gateway"));
        builder.AddStorage();
        builder.Services.AddArchive(builder.Configuration);
        builder.Services.AddSingleton(new EventFeed());
        // The live tail of every service's logs onto GET /events.
        builder.Services.AddOptions<LogTailOptions>()
            .BindConfiguration(LogTailOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddHostedService<LogTail>();
        builder.AddMessageBus(bus =>
        {
            bus.AddConsumer<JobEventsConsumer, JobEventsConsumerDefinition>();
            bus.AddConsumer<BarEventsConsumer, BarEventsConsumerDefinition>();
            bus.AddConsumer<AgentHeartbeatConsumer>();
        });
        builder.Services.AddOptions<OperationsOptions>()
            .BindConfiguration(OperationsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddHostedService<AgentMonitor>();

        builder.Services.AddOptions<IngestOptions>()
            .BindConfiguration(IngestOptions.SectionName)
            .PostConfigure(options =>
            {
                if (builder.Configuration["ALPACA_FEED"] is { Length: > 0 } feed) options.DefaultFeed = feed.Trim().ToLowerInvariant();
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // The public API speaks snake_case JSON (job_id, trade_count), like Alpaca's own; dictionary keys (symbols) stay as they are.
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        });
        builder.Services.AddOptions<GatewayOptions>()
            .BindConfiguration(GatewayOptions.SectionName)
            .PostConfigure(options =>
            {
                if (builder.Configuration["GATEWAY_API_KEY"] is { Length: > 0 } key) options.ApiKey = key.Trim();
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<PageTokens>();
        builder.Services.AddSingleton<StreamSlots>();
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }
}
