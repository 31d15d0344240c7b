using Npgsql;

namespace StockPlatform.Testing;

/// <summary>
/// A database of one's own on a shared PostgreSQL server, with a unique name; disposing drops it,
/// even with connections still open. Linked into the storage and integration tests and the
/// benchmarks, which never share a database.
/// </summary>
internal sealed class ThrowawayDatabase : IAsyncDisposable
{
    private readonly string _server;

    private ThrowawayDatabase(string server, string name)
    {
        _server = server;
        Name = name;
    }

    public string Name { get; }

    /// <summary>The connection string of this database (the server's, with its name).</summary>
    public string ConnectionString => On(_server, Name);

    /// <summary>
    /// Creates a database named <paramref name="prefix"/> and a unique suffix on the server of
    /// <paramref name="server"/>. An unreachable server fails with its address and <paramref name="hint"/>.
    /// </summary>
    public static async Task<ThrowawayDatabase> CreateAsync(string server, string prefix, string hint)
    {
        var name = prefix + Guid.NewGuid().ToString("N");
        try
        {
            await AdminAsync(server, $"CREATE DATABASE {name}");
        }
        catch (Exception ex) when (ex is TimeoutException or NpgsqlException and not PostgresException)
        {
            var address = new NpgsqlConnectionStringBuilder(server);
            throw new InvalidOperationException($"PostgreSQL at {address.Host}:{address.Port} is not reachable ({ex.Message}). {hint}", ex);
        }
        return new ThrowawayDatabase(server, name);
    }

    public async ValueTask DisposeAsync() => await AdminAsync(_server, $"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");

    private static string On(string server, string database) =>
        new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;

    // Databases are created and dropped from the server's own 'postgres' database.
    private static async Task AdminAsync(string server, string sql)
    {
        await using var admin = NpgsqlDataSource.Create(On(server, "postgres"));
        await using var command = admin.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
