using System.Diagnostics;

namespace StockPlatform.Deployment.Tests.Support;

/// <summary>The repository these tests check, and the commands they run in it.</summary>
internal static class Repository
{
    /// <summary>The folder holding StockPlatform.sln, above this test's build output.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The configuration this test assembly was built in (bin/&lt;configuration&gt;/net10.0): the AppHost is built in it too.</summary>
    public static string Configuration { get; } =
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Name ?? "Debug";

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Runs a command in the repository root; returns its exit code and everything it wrote.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // dotnet test hands its own MSBuild's location to the test host; a nested dotnet must find its own.
        foreach (var inherited in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly" })
        {
            start.Environment.Remove(inherited);
        }
        // No build servers or reused nodes: they would outlive the test and hold the runner's output open.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["CONFIGURATION"] = Configuration;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start");
        var output = new System.Text.StringBuilder();
        var lines = new object();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (lines) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (lines) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} still running after {timeout.TotalSeconds:0} s:\n{output}");
        }
        lock (lines) return (process.ExitCode, output.ToString());
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "StockPlatform.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("Repository root (StockPlatform.sln) not found above " + AppContext.BaseDirectory);
    }
}
