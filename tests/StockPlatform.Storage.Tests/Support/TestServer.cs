using Npgsql;

namespace StockPlatform.Storage.Tests.Support;

/// <summary>
/// The real PostgreSQL that ./scripts/test.sh starts, found through the connection string the
/// services read. Tests never share a database: each creates its own on this server.
/// </summary>
internal static class TestServer
{
    private const string Variable = "ConnectionStrings__stockplatform";
    private const string Hint = "Run the tests with ./scripts/test.sh: it starts a throwaway PostgreSQL and passes its connection string.";

    private static readonly Lazy<Task<NpgsqlDataSource>> Admin = new(OpenAdminAsync);

    /// <summary>The connection string from the environment, or a failure that says how to get one.</summary>
    public static string ConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(Variable);
            if (string.IsNullOrWhiteSpace(value))
                throw new InvalidOperationException($"No PostgreSQL for the storage tests: {Variable} is not set. {Hint}");
            return value;
        }
    }

    /// <summary>A connection string for <paramref name="database"/> on the same server.</summary>
    public static string For(string database) => new NpgsqlConnectionStringBuilder(ConnectionString) { Database = database }.ConnectionString;

    /// <summary>Creates an empty database with a unique name and returns its name.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var name = "sp_" + Guid.NewGuid().ToString("N");
        var admin = await Admin.Value;
        await using var command = admin.CreateCommand($"CREATE DATABASE {name}");
        await command.ExecuteNonQueryAsync();
        return name;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, even if connections are still open.</summary>
    public static async Task DropDatabaseAsync(string name)
    {
        var admin = await Admin.Value;
        await using var command = admin.CreateCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        await command.ExecuteNonQueryAsync();
    }

    // Databases are created and dropped from the server's own 'postgres' database.
    private static async Task<NpgsqlDataSource> OpenAdminAsync()
    {
        var dataSource = NpgsqlDataSource.Create(For("postgres"));
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            return dataSource;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            await dataSource.DisposeAsync();
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
            throw new InvalidOperationException($"PostgreSQL at {builder.Host}:{builder.Port} is not reachable ({ex.Message}). {Hint}", ex);
        }
    }
}
