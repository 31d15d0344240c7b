using System.Collections.Concurrent;
using System.Diagnostics;

namespace StockPlatform.Testing;

/// <summary>
/// One of our services as a real child process, started from its build output in the caller's
/// own configuration (a Release benchmark runs Release services), so it can be killed the way a
/// crash or a deploy would. Keeps every line it writes. Linked into the integration tests and
/// the benchmarks.
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

    public bool HasExited => _process.HasExited;

    /// <summary>The service's process id (<c>dotnet</c> runs the app in its own process).</summary>
    public int ProcessId => _process.Id;

    /// <summary>Every line the service wrote (JSON log lines).</summary>
    public ConcurrentQueue<string> Output { get; } = new();

    /// <summary>The last lines the service wrote, for failure messages.</summary>
    public string Tail(int lines = 30) => string.Join('\n', Output.TakeLast(lines));

    /// <summary>Starts <c>{project}/bin/{configuration}/net10.0/{assembly}.dll</c> on a free port.</summary>
    public static ServiceProcess Start(string projectDirectory, string assembly, IReadOnlyDictionary<string, string> environment)
    {
        var dll = Locate(projectDirectory, assembly);
        var url = new Uri($"http://127.0.0.1:{LocalServer.FreePort()}");
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

    /// <summary>
    /// Waits until <c>/health</c> answers Healthy (its PostgreSQL and RabbitMQ reachable), or also
    /// Degraded when <paramref name="degradedWillDo"/>: a paused agent's work queues are stopped,
    /// which MassTransit's check reports as degraded (and /health still answers 200).
    /// </summary>
    public async Task WaitHealthyAsync(TimeSpan timeout, bool degradedWillDo = false)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the service exited ({_process.ExitCode}):\n{Tail()}");
            try
            {
                var health = await http.GetStringAsync(new Uri(Url, "/health"));
                if (health == "Healthy" || (degradedWillDo && health == "Degraded")) return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or a slow first answer while it starts.
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"not healthy within {timeout.TotalSeconds:0} s:\n{Tail()}");
    }

    /// <summary>Waits for the process to end by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"still running after {timeout.TotalSeconds:0} s:\n{Tail()}");
        }
        return _process.ExitCode;
    }

    /// <summary>Stops the service as a deploy or Ctrl+C would (SIGTERM: a graceful shutdown) and waits for it to exit.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited) return;
        using (var signal = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await signal.WaitForExitAsync();
        await WaitForExitAsync(timeout);
    }

    /// <summary>Kills the service at once, as a crash would: no graceful shutdown.</summary>
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

    private static string Locate(string projectDirectory, string assembly)
    {
        // The caller runs from its own bin/<configuration>/net10.0/.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Name ?? "Debug";
        var dll = Path.Combine(LocalServer.RepositoryRoot(), projectDirectory, "bin", configuration, "net10.0", assembly + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the solution first: {dll} is missing.");
    }
}
