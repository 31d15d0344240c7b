using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace StockPlatform.ServiceDefaults.Telemetry;

/// <summary>
/// OpenTelemetry with the core SDK only (OpenTelemetry.Extensions.Hosting is not available): the
/// SDK is a DI singleton, created before the first request and disposed, which flushes it, when
/// the host shuts down.
/// </summary>
internal static class TelemetryExtensions
{
    internal const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static IHostApplicationBuilder AddStockPlatformTelemetry(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var serviceName = configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } configured
            ? configured
            : builder.Environment.ApplicationName;
        var serviceVersion = Assembly.GetEntryAssembly()?.GetName().Version?.ToString();
        var exportOtlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey]);

        if (exportOtlp)
        {
            builder.Logging.AddOpenTelemetry(logging =>
            {
                logging.IncludeScopes = true;
                logging.IncludeFormattedMessage = true;
                logging.SetResourceBuilder(CreateResource(serviceName, serviceVersion));
                logging.AddOtlpExporter();
            });
        }

        builder.Services.AddSingleton(_ => OpenTelemetrySdk.Create(otel =>
        {
            // The SDK keeps its own container; give it the host's configuration so OTEL_* settings
            // from appsettings or the command line count, not only environment variables.
            otel.Services.AddSingleton<IConfiguration>(configuration);
            otel.ConfigureResource(resource => ConfigureResource(resource, serviceName, serviceVersion));
            otel.WithTracing(tracing =>
            {
                tracing.AddSource(TelemetrySources.ActivitySources);
                if (exportOtlp) tracing.AddOtlpExporter();
            });
            otel.WithMetrics(metrics =>
            {
                metrics.AddMeter(TelemetrySources.Meters);
                if (exportOtlp) metrics.AddOtlpExporter();
            });
        }));
        builder.Services.AddHostedService<TelemetryLifetime>();
        return builder;
    }

    /// <summary>Creates the SDK now, so listeners exist before the first request arrives.</summary>
    public static void StartStockPlatformTelemetry(this IServiceProvider services) =>
        services.GetService<OpenTelemetrySdk>();

    private static ResourceBuilder CreateResource(string serviceName, string? serviceVersion) =>
        ConfigureResource(ResourceBuilder.CreateDefault(), serviceName, serviceVersion);

    // Aspire passes service.instance.id in OTEL_RESOURCE_ATTRIBUTES; generating another would override it.
    private static ResourceBuilder ConfigureResource(ResourceBuilder resource, string serviceName, string? serviceVersion) =>
        resource.AddService(serviceName, serviceVersion: serviceVersion, autoGenerateServiceInstanceId: false);
}
