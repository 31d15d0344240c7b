using System.Text.Json;
using StockPlatform.ServiceDefaults.Messaging;
using StockPlatform.Storage.Extensions;

namespace StockPlatform.Gateway.Extensions;

internal static class GatewayServiceExtensions
{
    public static WebApplicationBuilder AddGatewayServices(this WebApplicationBuilder builder)
    {
        builder.AddStorage();
        builder.AddMessageBus();

        builder.Services.AddOptions<IngestOptions>()
            .BindConfiguration(IngestOptions.SectionName)
            .PostConfigure(options =>
            {
                if (builder.Configuration["ALPACA_FEED"] is { Length: > 0 } feed) options.DefaultFeed = feed.Trim().ToLowerInvariant();
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // The public API speaks snake_case JSON (job_id, trade_count), like Alpaca's own.
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            options.SerializerOptions.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
        });
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }
}
