using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace StockPlatform.IntegrationTests.EndToEnd;

/// <summary>
/// The ingestion agent as a real child process, started from its build output, so a test can
/// kill it mid-job the way a crash or a deploy would, and start it again.
/// </summary>
internal sealed class AgentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private AgentProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri Url { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the agent wrote, for failure messages.</summary>
    public string RecentOutput => string.Join('\n', _output);

    public static AgentProcess Start(IReadOnlyDictionary<string, string> environment)
    {
        var dll = LocateAgent();
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
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        var process = Process.Start(start) ?? throw new InvalidOperationException("the ingestion agent did not start");
        return new AgentProcess(process, url);
    }

    /// <summary>Waits until the agent answers Healthy (PostgreSQL and RabbitMQ reachable).</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the ingestion agent exited ({_process.ExitCode}):\n{RecentOutput}");
            try
            {
                if (await http.GetStringAsync(new Uri(Url, "/health")) == "Healthy") return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Slow first answer while it starts.
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"the ingestion agent was not healthy within {timeout.TotalSeconds:0} s:\n{RecentOutput}");
    }

    /// <summary>Kills the agent at once, as a crash would: no graceful shutdown.</summary>
    public void Kill()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        while (_output.Count > 200) _output.TryDequeue(out _);
    }

    // The agent's build output sits beside the tests' in the same configuration.
    private static string LocateAgent()
    {
        // The tests run from bin/<configuration>/net10.0/.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Name ?? "Debug";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "StockPlatform.sln"))) continue;
            var dll = Path.Combine(dir.FullName, "Services", "StockPlatform.Ingestion", "bin", configuration, "net10.0", "StockPlatform.Ingestion.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the solution first: {dll} is missing.");
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
