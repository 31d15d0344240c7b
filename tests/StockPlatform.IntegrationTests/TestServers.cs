using Npgsql;

namespace StockPlatform.IntegrationTests;

/// <summary>
/// The real PostgreSQL and RabbitMQ that ./scripts/test.sh starts for the test run, found through
/// the same connection strings the services read.
/// </summary>
public static class TestServers
{
    /// <summary>How to get the servers, for failure messages.</summary>
    public const string Hint = "Run the tests with ./scripts/test.sh: it starts throwaway PostgreSQL and RabbitMQ servers and passes their connection strings.";

    public static string PostgresConnectionString => Require("stockplatform", "PostgreSQL");

    public static string MessagingConnectionString => Require("messaging", "RabbitMQ");

    public static async Task<NpgsqlDataSource> OpenPostgresAsync()
    {
        var dataSource = NpgsqlDataSource.Create(PostgresConnectionString);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            return dataSource;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            await dataSource.DisposeAsync();
            var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString);
            throw new InvalidOperationException($"PostgreSQL at {builder.Host}:{builder.Port} is not reachable ({ex.Message}). {Hint}", ex);
        }
    }

    private static string Require(string name, string server)
    {
        var value = Environment.GetEnvironmentVariable($"ConnectionStrings__{name}");
        if (string.IsNullOrWhiteSpace(value))
            throw new InvalidOperationException($"No {server} for the integration tests: ConnectionStrings__{name} is not set. {Hint}");
        return value;
    }
}
