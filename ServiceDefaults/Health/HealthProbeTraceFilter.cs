using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace StockPlatform.ServiceDefaults.Health;

/// <summary>
/// Drops health probes from traces: orchestrators poll them every few seconds and they would
/// drown the requests people want to look at. Clearing the recorded flag stops the exporter from
/// sending the request span, and child spans (the PostgreSQL ping) inherit the decision.
/// </summary>
internal sealed class HealthProbeTraceFilter(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (IsHealthProbe(context.Request.Path) && Activity.Current is { } activity)
        {
            activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            activity.IsAllDataRequested = false;
        }
        return next(context);
    }

    internal static bool IsHealthProbe(PathString path) =>
        path.StartsWithSegments(ServiceDefaultsExtensions.HealthPath, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(ServiceDefaultsExtensions.AlivePath, StringComparison.OrdinalIgnoreCase);
}
