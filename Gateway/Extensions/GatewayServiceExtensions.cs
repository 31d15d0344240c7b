using System.Text.Json;
using StockPlatform.ServiceDefaults.Data;
using StockPlatform.ServiceDefaults.Messaging;

namespace StockPlatform.Gateway.Extensions;

internal static class GatewayServiceExtensions
{
    public static WebApplicationBuilder AddGatewayServices(this WebApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource();
        builder.AddMessageBus();

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
