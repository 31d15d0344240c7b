using System.Diagnostics;

namespace StockPlatform.AppHost.Infrastructure;

/// <summary>Whether the container runtime Aspire would use answers, and what it said.</summary>
public sealed record ContainerRuntimeStatus(bool IsHealthy, string Description)
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Runs <c>&lt;runtime&gt; container ls -n 1</c>, the probe Aspire itself uses, for the runtime
    /// Aspire would pick (<c>ASPIRE_CONTAINER_RUNTIME</c>, else docker). A client without a daemon
    /// (docker installed, engine not running) fails it, which is the case that matters.
    /// </summary>
    public static ContainerRuntimeStatus Probe(string? configuredRuntime)
    {
        var runtime = string.IsNullOrWhiteSpace(configuredRuntime) ? "docker" : configuredRuntime.Trim();
        var start = new ProcessStartInfo(runtime)
        {
            ArgumentList = { "container", "ls", "-n", "1" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(ProbeTimeout))
            {
                process.Kill(entireProcessTree: true);
                return new(false, $"'{runtime} container ls' did not answer within {ProbeTimeout.TotalSeconds:0} s");
            }
            if (process.ExitCode == 0) return new(true, $"{runtime} is running");

            var firstLine = error.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            return new(false, $"'{runtime} container ls' failed ({firstLine ?? $"exit code {process.ExitCode}"})");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return new(false, $"'{runtime}' is not installed");
        }
    }
}
