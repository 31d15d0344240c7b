using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace StockPlatform.Storage.Tests.Support;

/// <summary>
/// A PostgreSQL server of the test's own, started by <c>scripts/local-server.sh</c> (as the
/// AppHost starts it) in a temporary directory, for server settings the shared test server does
/// not have. Disposing stops it and deletes its data.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class LocalPostgres : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private LocalPostgres(Process process, string directory, string connectionString)
    {
        _process = process;
        _directory = directory;
        ConnectionString = connectionString;
    }

    /// <summary>The server's <c>stockplatform</c> database.</summary>
    public string ConnectionString { get; }

    /// <summary>Starts the server; <paramref name="timescale"/> false leaves TimescaleDB out of its preload even where installed.</summary>
    public static async Task<LocalPostgres> StartAsync(bool timescale)
    {
        var directory = Directory.CreateTempSubdirectory("sp-local-pg-").FullName;
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101); // the postgres user must reach its data
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var password = Guid.NewGuid().ToString("N");
        var start = new ProcessStartInfo("bash") { ArgumentList = { Path.Combine(RepositoryRoot(), "scripts", "local-server.sh"), "postgres" }, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["LOCAL_DATA_DIR"] = directory;
        start.Environment["LOCAL_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["LOCAL_PASSWORD"] = password;
        start.Environment["STOCKPLATFORM_TIMESCALE"] = timescale ? "on" : "off";
        var process = Process.Start(start)!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

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
                throw new InvalidOperationException("the local PostgreSQL did not start:\n" + string.Join('\n', output), ex);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
            await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        }
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "StockPlatform.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("StockPlatform.sln not found above " + AppContext.BaseDirectory);
    }
}
