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
/// The defaults every StockPlatform service starts with: JSON logs, OpenTelemetry, health checks,
/// problem details and resilient HttpClients. Services add PostgreSQL and the bus on top with
/// <c>AddNpgsqlDataSource</c> and <c>AddMessageBus</c>.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Readiness: every registered check (PostgreSQL, RabbitMQ, ...).</summary>
    public const string HealthPath = "/health";

    /// <summary>Liveness: only checks tagged <c>live</c>, so a database outage does not restart the process.</summary>
    public const string AlivePath = "/alive";

    /// <summary>Registers logging, telemetry, health checks and HTTP resilience defaults.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddJsonConsoleLogging();
        builder.AddStockPlatformTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpClientDefaults(http => http.AddDefaultResilience());
        return builder;
    }

    /// <summary>Maps <c>/health</c> and <c>/alive</c>, and keeps health probes out of traces.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // Start telemetry before the first request so its span is not lost.
        app.Services.StartStockPlatformTelemetry();
        app.UseMiddleware<HealthProbeTraceFilter>();

        app.MapHealthChecks(HealthPath);
        app.MapHealthChecks(AlivePath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(HealthTags.Live),
        });
        return app;
    }
}
