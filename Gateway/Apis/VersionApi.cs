using System.Reflection;
using System.Runtime.InteropServices;
using Npgsql;
using StockPlatform.Storage.Schema;

namespace StockPlatform.Gateway.Apis;

/// <summary><c>GET /version</c>: what is running, for support requests and the dashboard footer.</summary>
public static class VersionApi
{
    /// <summary>Maps the version endpoint.</summary>
    public static IEndpointRouteBuilder MapVersionApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/version", GetVersionAsync)
            .WithName("GetVersion")
            .WithTags("Platform");
        return app;
    }

    internal static async Task<VersionInfo> GetVersionAsync(IHostEnvironment environment, IConfiguration configuration, StorageSchema schema, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var assembly = typeof(VersionApi).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "unknown";

        // Which storage path is active (TimescaleDB or plain PostgreSQL) is decided by the database.
        StorageDescription storage;
        try
        {
            var info = await schema.GetInfoAsync(cancellationToken);
            storage = new StorageDescription(info.Path == StoragePath.Timescale ? "timescaledb" : "postgresql", info.Describe(), info.SchemaVersion);
        }
        catch (NpgsqlException ex)
        {
            // The reason goes to the log, not to whoever asked: it names the server's address.
            loggerFactory.CreateLogger(typeof(VersionApi)).LogWarning(ex, "The version answer could not read the storage path");
            storage = new StorageDescription("unavailable", "the database did not answer; the gateway's log says why", 0);
        }

        return new VersionInfo(
            Service: "gateway",
            Version: version,
            Runtime: RuntimeInformation.FrameworkDescription,
            Environment: environment.EnvironmentName,
            // Set by scripts/up.sh and the AppHost, so people can see when bars are synthetic.
            MarketData: configuration["STOCKPLATFORM_MARKET_DATA"] ?? "not configured",
            Storage: storage);
    }

    /// <summary>The hot store: <c>path</c> is <c>timescaledb</c>, <c>postgresql</c> (plain tables) or <c>unavailable</c>.</summary>
    public sealed record StorageDescription(string Path, string Description, int SchemaVersion);

    /// <summary>The body of <c>GET /version</c>.</summary>
    public sealed record VersionInfo(string Service, string Version, string Runtime, string Environment, string MarketData, StorageDescription Storage);
}
