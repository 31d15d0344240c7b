using Npgsql;
using StockPlatform.Testing;

namespace StockPlatform.Storage.Tests.Support;

/// <summary>
/// A PostgreSQL server of the test's own, started by <c>scripts/local-server.sh</c> (as the
/// AppHost starts it) in a temporary directory, for server settings the shared test server does
/// not have. Disposing stops it and deletes its data.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class LocalPostgres : IAsyncDisposable
{
    private readonly LocalServer _server;
    private readonly string _directory;

    private LocalPostgres(LocalServer server, string directory, string connectionString)
    {
        _server = server;
        _directory = directory;
        ConnectionString = connectionString;
    }

    /// <summary>The server's <c>stockplatform</c> database.</summary>
    public string ConnectionString { get; }

    /// <summary>Starts the server; <paramref name="timescale"/> false leaves TimescaleDB out of its preload even where installed.</summary>
    public static async Task<LocalPostgres> StartAsync(bool timescale)
    {
        var directory = LocalServer.NewDataDirectory("sp-local-pg-");
        var port = LocalServer.FreePort();
        var password = Guid.NewGuid().ToString("N");
        var process = LocalServer.Start("postgres", new Dictionary<string, string>
        {
            ["LOCAL_DATA_DIR"] = directory,
            ["LOCAL_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["LOCAL_PASSWORD"] = password,
            ["STOCKPLATFORM_TIMESCALE"] = timescale ? "on" : "off",
        });

        var server = new LocalPostgres(process, directory, $"Host=127.0.0.1;Port={port};Database=stockplatform;Username=postgres;Password={password};Pooling=false");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(server.ConnectionString);
                await connection.OpenAsync();
                return server;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(200);
            }
            catch (NpgsqlException ex)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException("the local PostgreSQL did not start:\n" + string.Join('\n', process.Output), ex);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
