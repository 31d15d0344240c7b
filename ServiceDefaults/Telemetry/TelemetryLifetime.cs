using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace StockPlatform.ServiceDefaults.Telemetry;

/// <summary>
/// Resolving the SDK here starts it in hosts without endpoints (workers); on shutdown it flushes
/// what is buffered before the container disposes the SDK.
/// </summary>
internal sealed class TelemetryLifetime(OpenTelemetrySdk sdk) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        sdk.TracerProvider.ForceFlush(timeoutMilliseconds: 5_000);
        sdk.MeterProvider.ForceFlush(timeoutMilliseconds: 5_000);
        return Task.CompletedTask;
    }
}
