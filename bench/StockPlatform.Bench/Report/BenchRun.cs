using System.Text.Json;
using StockPlatform.Bench.Support;

namespace StockPlatform.Bench.Report;

/// <summary>
/// One invocation of a benchmark as <c>scripts/bench.sh</c> recorded it: what ran, how it ended,
/// the JSON lines it printed and the last lines of its output (for a run that printed none).
/// </summary>
/// <param name="Id">The file name the run's output was kept under, without extension.</param>
/// <param name="Benchmark">The subcommand (upsert, read, ...).</param>
/// <param name="Path">The <c>--path</c> it was given; null when the benchmark chose its paths itself.</param>
/// <param name="Arguments">The arguments after the subcommand, as one line.</param>
/// <param name="ExitCode">0 goals met, 1 a goal missed (or a check failed), anything else a crash; null when unknown.</param>
/// <param name="Seconds">Wall time of the run; null when unknown.</param>
/// <param name="PrintedUsage">Whether its output holds the bench's usage text (what an unknown subcommand gets).</param>
internal sealed record BenchRun(
    string Id, string Benchmark, string? Path, string Arguments, int? ExitCode, double? Seconds,
    IReadOnlyList<BenchLine> Lines, IReadOnlyList<string> Tail, bool PrintedUsage = false)
{
    /// <summary>The usage text's first words: the bench printed it because it does not know the subcommand.</summary>
    public const string UsageMarker = "usage: StockPlatform.Bench";

    /// <summary>The command that runs this benchmark again as it ran here.</summary>
    public string Command =>
        $"dotnet run -c Release --project bench/StockPlatform.Bench -- {Benchmark}{(Arguments.Length > 0 ? " " + Arguments : string.Empty)}{(Path is null ? string.Empty : " --path " + Path)}";

    /// <summary>Whether the bench did not know the subcommand (exit 2 with its usage text).</summary>
    public bool NotInThisBuild => ExitCode == 2 && PrintedUsage;

    /// <summary>Why there is nothing to show, or null when the run printed its JSON line.</summary>
    public string? MissingReason =>
        Lines.Count > 0 ? null
        : NotInThisBuild ? "not in this build (unknown benchmark, exit code 2)"
        : ExitCode is null ? "no JSON line and no exit code recorded"
        : ExitCode == 0 ? "exited 0 without a JSON line"
        : $"failed with exit code {ExitCode} before its JSON line";
}

/// <summary>One JSON line of a benchmark: the whole document (kept for its other fields) and its figures.</summary>
/// <param name="Root">The parsed line.</param>
/// <param name="Figures">Its <c>figures</c> array; empty when the line has none.</param>
/// <param name="HasFigures">Whether the line carries a <c>figures</c> array at all (benchmarks not yet converted do not).</param>
internal sealed record BenchLine(JsonElement Root, IReadOnlyList<BenchFigure> Figures, bool HasFigures)
{
    /// <summary>How every benchmark's JSON line starts.</summary>
    public const string Prefix = "{\"benchmark\":";

    /// <summary>The line parsed, or null when it is not a benchmark's JSON line (or not valid JSON).</summary>
    public static BenchLine? TryParse(string line)
    {
        var text = line.Trim();
        if (!text.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        try
        {
            using var document = JsonDocument.Parse(text);
            // Cloned: the element must outlive the document it was parsed into.
            var root = document.RootElement.Clone();
            if (!root.TryGetProperty("figures", out var figures) || figures.ValueKind != JsonValueKind.Array)
                return new BenchLine(root, [], false);
            var parsed = figures.Deserialize<List<BenchFigure>>() ?? [];
            return new BenchLine(root, parsed.Where(f => f is not null).ToList(), true);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The line's <c>benchmark</c> field.</summary>
    public string Benchmark => Root.TryGetProperty("benchmark", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString()! : "?";
}
