using System.Reflection;
using System.Runtime.InteropServices;

namespace StockPlatform.Gateway.Apis;

/// <summary><c>GET /version</c>: what is running, for support requests and the dashboard footer.</summary>
public static class VersionApi
{
    /// <summary>Maps the version endpoint.</summary>
    public static IEndpointRouteBuilder MapVersionApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/version", GetVersion)
            .WithName("GetVersion")
            .WithTags("Platform");
        return app;
    }

    internal static VersionInfo GetVersion(IHostEnvironment environment, IConfiguration configuration)
    {
        var assembly = typeof(VersionApi).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "unknown";
        return new VersionInfo(
            Service: "gateway",
            Version: version,
            Runtime: RuntimeInformation.FrameworkDescription,
            Environment: environment.EnvironmentName,
            // Set by scripts/up.sh and the AppHost, so people can see when bars are synthetic.
            MarketData: configuration["STOCKPLATFORM_MARKET_DATA"] ?? "not configured");
    }

    /// <summary>The body of <c>GET /version</c>.</summary>
    public sealed record VersionInfo(string Service, string Version, string Runtime, string Environment, string MarketData);
}
