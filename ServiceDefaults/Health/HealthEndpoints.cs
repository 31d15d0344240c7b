using Microsoft.AspNetCore.Http;

namespace StockPlatform.ServiceDefaults.Health;

/// <summary>The two health endpoints, and how to recognise a probe of them.</summary>
internal static class HealthEndpoints
{
    public const string HealthPath = "/health";

    public const string AlivePath = "/alive";

    /// <summary>
    /// Orchestrators poll these every few seconds; their spans would drown the requests people
    /// want to look at, so tracing leaves them out.
    /// </summary>
    public static bool IsHealthProbe(PathString path) =>
        path.StartsWithSegments(HealthPath, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(AlivePath, StringComparison.OrdinalIgnoreCase);
}
