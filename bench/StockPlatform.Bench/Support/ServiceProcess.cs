using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace StockPlatform.Bench.Support;

/// <summary>
/// One of our services as a child process, started from its build output in the bench's own
/// configuration (so a Release bench measures Release services). Keeps every line it writes.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServiceProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri Url { get; }

    /// <summary>Every line the service wrote (JSON log lines).</summary>
    public ConcurrentQueue<string> Output { get; } = new();

    /// <summary>Starts <c>{project}/bin/{configuration}/net10.0/{assembly}.dll</c> on a free port.</summary>
    public static ServiceProcess Start(string projectDirectory, string assembly, IReadOnlyDictionary<string, string> environment)
    {
        var dll = Locate(projectDirectory, assembly);
        var url = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll },
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment) start.Environment[key] = value;
        start.Environment["ASPNETCORE_URLS"] = url.ToString();
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{assembly} did not start");
        return new ServiceProcess(process, url);
    }

    /// <summary>Waits until <c>/health</c> answers Healthy.</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the service exited ({_process.ExitCode}):\n{string.Join('\n', Output.TakeLast(30))}");
            try
            {
                if (await http.GetStringAsync(new Uri(Url, "/health")) == "Healthy") return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Still starting.
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"not healthy within {timeout.TotalSeconds:0} s:\n{string.Join('\n', Output.TakeLast(30))}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private static string Locate(string projectDirectory, string assembly)
    {
        // The bench runs from bench/StockPlatform.Bench/bin/<configuration>/net10.0/.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Name ?? "Release";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "StockPlatform.sln"))) continue;
            var dll = Path.Combine(dir.FullName, projectDirectory, "bin", configuration, "net10.0", assembly + ".dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build first: {dll} is missing.");
        }
        throw new DirectoryNotFoundException("Repository root (StockPlatform.sln) not found above " + AppContext.BaseDirectory);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
