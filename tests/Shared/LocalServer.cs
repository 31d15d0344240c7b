using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;

namespace StockPlatform.Testing;

/// <summary>
/// PostgreSQL or RabbitMQ run by <c>scripts/local-server.sh</c> in the foreground, as the AppHost
/// runs them, for tests and benchmarks that need a server of their own; and what such runs share:
/// the repository root, free ports, data directories the servers' users can reach. Linked into
/// the test projects and the benchmarks.
/// </summary>
internal sealed class LocalServer : IAsyncDisposable
{
    private readonly Process _process;

    private LocalServer(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The script's process (the server and its helpers are below it).</summary>
    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Every line the server wrote.</summary>
    public ConcurrentQueue<string> Output { get; } = new();

    /// <summary>Starts <c>local-server.sh postgres|rabbitmq</c> with its <c>LOCAL_*</c> settings.</summary>
    public static LocalServer Start(string server, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { Path.Combine(RepositoryRoot(), "scripts", "local-server.sh"), server },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment) start.Environment[key] = value;
        return new LocalServer(Process.Start(start) ?? throw new InvalidOperationException($"local-server.sh {server} did not start"));
    }

    /// <summary>Stops the server as Aspire does (SIGTERM: it shuts down cleanly) and waits for it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])!) await kill.WaitForExitAsync();
            await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        }
        _process.Dispose();
    }

    /// <summary>The directory holding StockPlatform.sln, above the caller's build output.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "StockPlatform.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("Repository root (StockPlatform.sln) not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A TCP port on the loopback that nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A new temporary directory the servers, running as their own users, can reach (0755).</summary>
    [UnsupportedOSPlatform("windows")]
    public static string NewDataDirectory(string prefix)
    {
        var directory = Directory.CreateTempSubdirectory(prefix).FullName;
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        return directory;
    }
}
