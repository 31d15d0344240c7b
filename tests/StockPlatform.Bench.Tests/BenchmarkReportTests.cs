using StockPlatform.Bench.Report;

namespace StockPlatform.Bench.Tests;

public sealed class BenchmarkReportTests : IDisposable
{
    // What the benchmarks print: a table, then their JSON line (upsert: one per path).
    private const string UpsertPlain = """{"benchmark":"upsert","path":"plain","rows":200000,"figures":[{"figure":"upsert, new rows","path":"plain","value":412000,"unit":"rows/s","baseline":"plain binary COPY into an unindexed table","baseline_value":650000,"ratio":0.6338,"goal":"ratio >= 0.5","met":true}]}""";
    private const string UpsertTimescale = """{"benchmark":"upsert","path":"timescaledb","rows":200000,"figures":[{"figure":"upsert, new rows","path":"timescaledb","value":250000,"unit":"rows/s","baseline":"plain binary COPY into an unindexed table","baseline_value":640000,"ratio":0.3906,"goal":"ratio >= 0.5","met":false},{"figure":"aggregates refresh | afterwards","path":"timescaledb","value":1.234,"unit":"s","baseline":null,"baseline_value":null,"ratio":null,"goal":"(reported)","met":null}]}""";
    private const string ArchiveWithoutFigures = """{"benchmark":"archive","symbols":3,"days":40,"results":[{"path":"plain"}],"csv_ratio":31.5}""";

    private static readonly MachineInfo Machine = new(
        "Example CPU @ 3.00GHz", 2, "7.8 GiB", "Debian GNU/Linux 12 (bookworm), Linux 6.1.0", ".NET 10.0.0 (linux-x64)",
        "15.14", "2.17.2", "3.10.8", new DateTimeOffset(2025, 3, 5, 14, 30, 0, TimeSpan.Zero), "abc1234", "scripts/bench.sh --quick", "quick", 754);

    private readonly string _directory = Directory.CreateTempSubdirectory("sp-bench-report-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Only_the_benchmark_json_lines_of_a_runs_output_are_read()
    {
        var lines = ResultsDirectory.Parse(["rows 200,000", "[plain]", UpsertPlain, "{\"not\":\"a benchmark\"}", "{\"benchmark\": broken", UpsertTimescale]);

        Assert.Equal(2, lines.Count);
        Assert.Equal(["upsert, new rows", "upsert, new rows", "aggregates refresh | afterwards"], lines.SelectMany(l => l.Figures).Select(f => f.Figure));
        Assert.Equal([0.6338, 0.3906, null], lines.SelectMany(l => l.Figures).Select(f => f.Ratio));
    }

    [Fact]
    public void A_results_directory_gives_each_run_its_lines_exit_code_and_duration_in_the_order_they_ran()
    {
        Write("02-read", ["read crashed", "Unhandled exception. Npgsql.PostgresException: 53100: could not extend file"], """{"benchmark":"read","path":"","args":"--runs 3","exit_code":134,"seconds":40}""");
        Write("01-upsert", ["[plain]", UpsertPlain, "[timescaledb]", UpsertTimescale], """{"benchmark":"upsert","path":"","args":"--rows 200000","exit_code":1,"seconds":95}""");
        Write("03-load-plain", ["        usage: StockPlatform.Bench throttle [--pages N]", .. Enumerable.Range(1, 20).Select(i => $"       StockPlatform.Bench benchmark{i} [--option]")], """{"benchmark":"load","path":"plain","args":"--seconds 20","exit_code":2,"seconds":1}""");

        var runs = ResultsDirectory.Load(_directory);

        Assert.Equal(["upsert", "read", "load"], runs.Select(r => r.Benchmark));
        Assert.Equal(2, runs[0].Lines.Count);
        Assert.Equal(1, runs[0].ExitCode);
        Assert.Equal(95, runs[0].Seconds);
        Assert.Null(runs[0].MissingReason);
        Assert.Equal("dotnet run -c Release --project bench/StockPlatform.Bench -- upsert --rows 200000", runs[0].Command);
        Assert.Equal("failed with exit code 134 before its JSON line", runs[1].MissingReason);
        Assert.Equal("plain", runs[2].Path);
        Assert.StartsWith("not in this build", runs[2].MissingReason, StringComparison.Ordinal);
        Assert.EndsWith("-- load --seconds 20 --path plain", runs[2].Command, StringComparison.Ordinal);
        Assert.DoesNotContain("benchmark20", BenchmarkReport.Render(Machine, runs), StringComparison.Ordinal);
    }

    [Fact]
    public void The_report_shows_the_machine_and_each_figure_with_its_baseline_ratio_goal_and_verdict()
    {
        Write("01-upsert", [UpsertPlain, UpsertTimescale], """{"benchmark":"upsert","path":"","args":"--rows 200000","exit_code":1,"seconds":95}""");

        var report = BenchmarkReport.Render(Machine, ResultsDirectory.Load(_directory));

        Assert.Contains("| CPU | Example CPU @ 3.00GHz |", report, StringComparison.Ordinal);
        Assert.Contains("| cores | 2 |", report, StringComparison.Ordinal);
        Assert.Contains("| TimescaleDB | 2.17.2 |", report, StringComparison.Ordinal);
        Assert.Contains("| date | 2025-03-05 14:30 UTC |", report, StringComparison.Ordinal);
        Assert.Contains("| command | `scripts/bench.sh --quick` |", report, StringComparison.Ordinal);
        Assert.Contains("| upsert, new rows | plain | 412,000 rows/s | plain binary COPY into an unindexed table | 650,000 rows/s | 0.634 | ratio >= 0.5 | ✓ |", report, StringComparison.Ordinal);
        Assert.Contains("| upsert, new rows | timescaledb | 250,000 rows/s | plain binary COPY into an unindexed table | 640,000 rows/s | 0.391 | ratio >= 0.5 | ✗ |", report, StringComparison.Ordinal);
        // A pipe in a figure's name would split the table's row.
        Assert.Contains("| aggregates refresh \\| afterwards | timescaledb | 1.23 s | – | – | – | (reported) | – |", report, StringComparison.Ordinal);
        Assert.Contains("| [upsert](#upsert) | 1 / 2 | ✗ 1 missed | 1 min 35 s |", report, StringComparison.Ordinal);
        Assert.Contains("Ran in 1 min 35 s (exit 1: a goal missed or a check failed). To run it again: `dotnet run -c Release --project bench/StockPlatform.Bench -- upsert --rows 200000`", report, StringComparison.Ordinal);
        Assert.DoesNotContain("Not measured", report, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_without_a_json_line_is_listed_as_not_measured_with_its_reason_and_last_lines_without_secrets()
    {
        Write("01-ingest", [.. Enumerable.Range(1, 30).Select(i => $"line {i}"), "connect failed: Host=127.0.0.1;Password=s3cret;Port=1 amqp://stockplatform:hunter2@127.0.0.1:5672"],
            """{"benchmark":"ingest","path":"","args":"","exit_code":139,"seconds":12}""");

        var report = BenchmarkReport.Render(Machine, ResultsDirectory.Load(_directory));

        Assert.Contains("## Not measured", report, StringComparison.Ordinal);
        Assert.Contains("Failed with exit code 139 before its JSON line in 12 s", report, StringComparison.Ordinal);
        Assert.Contains("| [ingest](#ingest) | – | ✗ not measured | 12 s |", report, StringComparison.Ordinal);
        Assert.Contains("line 30", report, StringComparison.Ordinal);
        Assert.DoesNotContain("line 16\n", report, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", report, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", report, StringComparison.Ordinal);
        Assert.Contains("Password=***", report, StringComparison.Ordinal);
    }

    [Fact]
    public void A_json_line_without_a_figures_array_still_shows_its_top_level_numbers()
    {
        File.WriteAllLines(Path.Combine(_directory, "collected.jsonl"), [ArchiveWithoutFigures]);

        var report = BenchmarkReport.Render(Machine, ResultsDirectory.Load(_directory));

        Assert.Contains("## archive", report, StringComparison.Ordinal);
        Assert.Contains("no `figures` array", report, StringComparison.Ordinal);
        Assert.Contains("- `csv_ratio`: 31.5", report, StringComparison.Ordinal);
        Assert.DoesNotContain("`results`", report, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1234567.8, "1,234,568")]
    [InlineData(412.345, "412.3")]
    [InlineData(12.345, "12.35")]
    [InlineData(0.01234, "0.012")]
    [InlineData(0, "0")]
    [InlineData(3, "3")]
    public void Numbers_are_shown_with_separators_when_large_and_a_few_decimals_when_small(double value, string shown) =>
        Assert.Equal(shown, BenchmarkReport.Number(value));

    private void Write(string id, string[] output, string status)
    {
        File.WriteAllLines(Path.Combine(_directory, id + ".log"), output);
        File.WriteAllText(Path.Combine(_directory, id + ".status.json"), status);
    }
}
