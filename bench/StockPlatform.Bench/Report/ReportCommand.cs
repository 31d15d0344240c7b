using StockPlatform.Bench.Support;

namespace StockPlatform.Bench.Report;

/// <summary>
/// <c>report --in DIR [--out docs/benchmarks.md] [--connection CS]</c>: turns the results
/// directory <c>scripts/bench.sh</c> filled into the benchmarks document.
/// </summary>
internal static class ReportCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Arguments(args);
        if (options.Text("in") is not { } input || !Directory.Exists(input))
        {
            Console.Error.WriteLine("report: --in must name the directory of results (the runs' .log and .status.json files, or .jsonl files)");
            return 2;
        }
        var output = options.Text("out") ?? Path.Combine("docs", "benchmarks.md");
        var runs = ResultsDirectory.Load(input);
        if (runs.Count == 0)
        {
            Console.Error.WriteLine($"report: no runs in {input}");
            return 2;
        }
        // The versions come from the server the benchmarks ran on; without one they are left unknown.
        var connection = options.Text("connection") ?? Environment.GetEnvironmentVariable("ConnectionStrings__stockplatform");
        var machine = await MachineProbe.CollectAsync(ResultsDirectory.Session(input), string.IsNullOrWhiteSpace(connection) ? null : connection);

        var directory = Path.GetDirectoryName(Path.GetFullPath(output));
        if (directory is not null) Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(output, BenchmarkReport.Render(machine, runs));
        Console.WriteLine(Path.GetFullPath(output));
        return 0;
    }
}
