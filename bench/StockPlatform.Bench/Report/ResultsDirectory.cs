using System.Text.Json;
using System.Text.RegularExpressions;

namespace StockPlatform.Bench.Report;

/// <summary>
/// Reads what <c>scripts/bench.sh</c> collects in its results directory:
/// <list type="bullet">
/// <item><c>NN-id.log</c>: a run's whole output, and <c>NN-id.status.json</c> beside it
/// (<c>{"benchmark", "path", "args", "exit_code", "seconds"}</c>);</item>
/// <item><c>*.jsonl</c>: JSON lines collected some other way (no status: a run that succeeded);</item>
/// <item><c>run.json</c>: the session (command, mode, start and end, commit, RabbitMQ version).</item>
/// </list>
/// Runs come back in file name order, which is the order the script ran them.
/// </summary>
internal static partial class ResultsDirectory
{
    /// <summary>How many of the last output lines a run that printed no JSON line keeps.</summary>
    public const int TailLines = 15;

    /// <summary>The file the script describes the session in.</summary>
    public const string SessionFile = "run.json";

    private const string StatusSuffix = ".status.json";

    /// <summary>Every run recorded in <paramref name="directory"/>.</summary>
    public static IReadOnlyList<BenchRun> Load(string directory)
    {
        var runs = new List<BenchRun>();
        foreach (var status in Directory.GetFiles(directory, "*" + StatusSuffix).Order(StringComparer.Ordinal))
        {
            var id = Path.GetFileName(status)[..^StatusSuffix.Length];
            var log = Path.Combine(directory, id + ".log");
            var output = File.Exists(log) ? File.ReadAllLines(log) : [];
            using var document = JsonDocument.Parse(File.ReadAllText(status));
            var root = document.RootElement;
            var benchmark = Text(root, "benchmark") ?? id;
            runs.Add(new BenchRun(id, benchmark, NullIfEmpty(Text(root, "path")), Text(root, "args") ?? string.Empty,
                Number(root, "exit_code") is { } exit ? (int)exit : null, Number(root, "seconds"), Parse(output), Tail(output),
                output.Any(line => line.Contains(BenchRun.UsageMarker, StringComparison.Ordinal))));
        }
        // Bare JSON lines: one run per line's benchmark, in file order.
        foreach (var file in Directory.GetFiles(directory, "*.jsonl").Order(StringComparer.Ordinal))
        {
            var id = Path.GetFileNameWithoutExtension(file);
            foreach (var group in Parse(File.ReadAllLines(file)).GroupBy(line => line.Benchmark))
                runs.Add(new BenchRun(id, group.Key, null, string.Empty, null, null, group.ToList(), []));
        }
        return runs;
    }

    /// <summary>The session's description, or an empty object when the directory has none.</summary>
    public static JsonElement Session(string directory)
    {
        var file = Path.Combine(directory, SessionFile);
        using var document = JsonDocument.Parse(File.Exists(file) ? File.ReadAllText(file) : "{}");
        return document.RootElement.Clone();
    }

    /// <summary>The benchmark JSON lines among a run's output lines.</summary>
    public static IReadOnlyList<BenchLine> Parse(IEnumerable<string> output) =>
        output.Select(BenchLine.TryParse).OfType<BenchLine>().ToList();

    /// <summary>
    /// The last non-empty lines of a run's output, with anything that looks like a password or a
    /// URL's credentials blanked: the report is committed, the throwaway servers' secrets are not.
    /// </summary>
    public static IReadOnlyList<string> Tail(IReadOnlyList<string> output) =>
        output.Where(line => !string.IsNullOrWhiteSpace(line)).TakeLast(TailLines).Select(Scrub).ToList();

    /// <summary>A line with passwords and URL credentials replaced by <c>***</c> (and terminal colour codes removed).</summary>
    public static string Scrub(string line)
    {
        var plain = AnsiEscape().Replace(line, string.Empty);
        plain = PasswordSetting().Replace(plain, "${key}=***");
        return UrlCredentials().Replace(plain, "${scheme}***@");
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static double? Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    [GeneratedRegex(@"\x1B\[[0-9;]*[A-Za-z]")]
    private static partial Regex AnsiEscape();

    [GeneratedRegex(@"(?<key>password|pwd)\s*=\s*[^;\s""']+", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordSetting();

    [GeneratedRegex(@"(?<scheme>[a-z][a-z0-9+.-]*://)[^/@\s:]+:[^/@\s]+@", RegexOptions.IgnoreCase)]
    private static partial Regex UrlCredentials();
}
