using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace StockPlatform.ServiceDefaults.Health;

/// <summary>Ready when a pooled connection opens and answers a trivial query.</summary>
internal sealed class NpgsqlHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // Npgsql's messages name host and port but never the password.
            return new HealthCheckResult(context.Registration.FailureStatus, "PostgreSQL is not reachable: " + ex.Message);
        }
    }
}
