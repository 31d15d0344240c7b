using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using StockPlatform.ServiceDefaults.Health;

namespace StockPlatform.ServiceDefaults.Data;

/// <summary>
/// Registers one pooled <see cref="NpgsqlDataSource"/> per service, in the shape of Aspire's
/// Npgsql client integration (which is not available here): connection string by name, logging,
/// tracing through Npgsql's own ActivitySource, and a readiness check.
/// </summary>
public static class NpgsqlExtensions
{
    /// <summary>The connection string name Aspire and the scripts use for the platform's database.</summary>
    public const string ConnectionName = "stockplatform";

    /// <summary>Adds the data source from <c>ConnectionStrings:{connectionName}</c> and its health check.</summary>
    public static TBuilder AddNpgsqlDataSource<TBuilder>(this TBuilder builder, string connectionName = ConnectionName)
        where TBuilder : IHostApplicationBuilder
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{connectionName} is not set. Start the local stack with ./scripts/up.sh, " +
                $"or set ConnectionStrings__{connectionName}=\"Host=...;Port=...;Database=...;Username=...;Password=...\".");
        }

        builder.Services.AddSingleton(sp => new NpgsqlDataSourceBuilder(connectionString)
            .UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>())
            .Build());
        builder.Services.AddHealthChecks().AddCheck<NpgsqlHealthCheck>("postgresql", tags: [HealthTags.Ready]);
        return builder;
    }
}
