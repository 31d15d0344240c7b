using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using StockPlatform.ServiceDefaults.Health;

namespace StockPlatform.ServiceDefaults.Telemetry;

/// <summary>OpenTelemetry as the Aspire service-defaults template sets it up, plus our own sources.</summary>
internal static class TelemetryExtensions
{
    internal const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static IHostApplicationBuilder ConfigureOpenTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        // Aspire and the scripts set OTEL_SERVICE_NAME; a service started by hand is named after its assembly.
        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } configured
            ? configured
            : builder.Environment.ApplicationName;
        var serviceVersion = Assembly.GetEntryAssembly()?.GetName().Version?.ToString();

        builder.Services.AddOpenTelemetry()
            // Aspire passes service.instance.id in OTEL_RESOURCE_ATTRIBUTES; generating another would override it.
            .ConfigureResource(resource => resource.AddService(serviceName, serviceVersion: serviceVersion, autoGenerateServiceInstanceId: false))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(TelemetrySources.Meters))
            .WithTracing(tracing => tracing
                .AddSource(TelemetrySources.ActivitySources)
                .AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = context => !HealthEndpoints.IsHealthProbe(context.Request.Path))
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }
        return builder;
    }
}
