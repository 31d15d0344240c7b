using StockPlatform.Gateway.Telemetry;

namespace StockPlatform.Gateway.Extensions;

internal static class GatewayTelemetryExtensions
{
    /// <summary>The gateway's metrics besides the service defaults': the depth of the platform's queues.</summary>
    public static WebApplicationBuilder AddGatewayTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<QueueDepthOptions>()
            .BindConfiguration(QueueDepthOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<QueueDepthMonitor>();
        builder.Services.AddHostedService(services => services.GetRequiredService<QueueDepthMonitor>());
        return builder;
    }
}
