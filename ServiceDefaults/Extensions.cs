using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using StockPlatform.ServiceDefaults.Health;
using StockPlatform.ServiceDefaults.Http;
using StockPlatform.ServiceDefaults.Logging;
using StockPlatform.ServiceDefaults.Telemetry;

// Same namespace as the host builder so every service finds these without a using (Aspire's convention).
namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The defaults every StockPlatform service starts with, in the shape of Aspire's service-defaults
/// template: JSON console logs, OpenTelemetry, health checks, service discovery, problem details
/// and the standard resilience handler on every HttpClient. Services add PostgreSQL and the bus on
/// top (<c>AddStorage</c>, <c>AddMessageBus</c>).
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Readiness: every registered check (PostgreSQL, RabbitMQ, ...).</summary>
    public const string HealthPath = HealthEndpoints.HealthPath;

    /// <summary>Liveness: only checks tagged <c>live</c>, so a database outage does not restart the process.</summary>
    public const string AlivePath = HealthEndpoints.AlivePath;

    /// <summary>Registers logging, telemetry, health checks, service discovery and HTTP resilience defaults.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddJsonConsoleLogging();
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddProblemDetails();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddDefaultResilience(builder.Configuration);
            http.AddServiceDiscovery();
        });
        return builder;
    }

    /// <summary>Maps <c>/health</c> and <c>/alive</c>.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthPath);
        app.MapHealthChecks(AlivePath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(HealthTags.Live),
        });
        return app;
    }
}
