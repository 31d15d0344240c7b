namespace StockPlatform.ServiceDefaults.Telemetry;

/// <summary>
/// The ActivitySources and Meters exported besides those the instrumentation packages add
/// (ASP.NET Core, HttpClient, the runtime; Npgsql comes with Aspire.Npgsql): MassTransit's and our own.
/// </summary>
public static class TelemetrySources
{
    /// <summary>Prefix of every ActivitySource and Meter the platform itself creates.</summary>
    public const string OwnPrefix = "StockPlatform.";

    internal static readonly string[] ActivitySources = ["MassTransit", OwnPrefix + "*"];

    internal static readonly string[] Meters = ["MassTransit", OwnPrefix + "*"];
}
