namespace StockPlatform.ServiceDefaults.Telemetry;

/// <summary>
/// The ActivitySources and Meters exported. The instrumentation packages are not available, so we
/// listen to what .NET, Npgsql and MassTransit emit natively, plus our own <c>StockPlatform.*</c>.
/// </summary>
public static class TelemetrySources
{
    /// <summary>Prefix of every ActivitySource and Meter the platform itself creates.</summary>
    public const string OwnPrefix = "StockPlatform.";

    internal static readonly string[] ActivitySources =
    [
        "Microsoft.AspNetCore",
        "System.Net.Http",
        "Npgsql",
        "MassTransit",
        OwnPrefix + "*",
    ];

    internal static readonly string[] Meters =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "System.Net.Http",
        "System.Runtime",
        "Npgsql",
        "MassTransit",
        OwnPrefix + "*",
    ];
}
