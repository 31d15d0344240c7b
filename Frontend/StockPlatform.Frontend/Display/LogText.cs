using System.Globalization;
using System.Text.Json;
using MudBlazor;
using StockPlatform.Frontend.Gateway;

namespace StockPlatform.Frontend.Display;

/// <summary>
/// How log lines read on the Logs page (levels in colour, times, properties), and which lines a
/// query's filters let through, so the live tail shows what a reload would.
/// </summary>
public static class LogText
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    /// <summary>The levels a minimum can be chosen from, least severe first (Microsoft.Extensions.Logging's names).</summary>
    public static readonly IReadOnlyList<string> Levels = ["Trace", "Debug", "Information", "Warning", "Error", "Critical"];

    /// <summary>The "since" choices of the filter: a key for the select, its label, and how far back it reaches (null: any time).</summary>
    public static readonly IReadOnlyList<(string Key, string Label, TimeSpan? Back)> SinceChoices =
    [
        ("any", "any time", null),
        ("15m", "last 15 min", TimeSpan.FromMinutes(15)),
        ("1h", "last hour", TimeSpan.FromHours(1)),
        ("6h", "last 6 h", TimeSpan.FromHours(6)),
        ("24h", "last 24 h", TimeSpan.FromHours(24)),
        ("7d", "last 7 days", TimeSpan.FromDays(7)),
    ];

    /// <summary>Where a "since" choice starts at <paramref name="now"/>; null for any time or an unknown key.</summary>
    public static DateTimeOffset? Since(string? key, DateTimeOffset now) =>
        SinceChoices.FirstOrDefault(c => c.Key == key).Back is { } back ? now - back : null;

    /// <summary>
    /// A level's rank, least severe 0 (Trace) to 5 (Critical); the console's short names (info,
    /// warn, fail, crit) count too. Null for a level nobody knows.
    /// </summary>
    public static int? Rank(string? level)
    {
        if (string.IsNullOrWhiteSpace(level)) return null;
        var index = Levels.Select((name, i) => (name, i)).FirstOrDefault(l => string.Equals(l.name, level, StringComparison.OrdinalIgnoreCase));
        if (index.name is not null) return index.i;
        return level.Trim().ToLowerInvariant() switch
        {
            "trce" or "verbose" => 0,
            "dbug" => 1,
            "info" => 2,
            "warn" => 3,
            "fail" or "err" => 4,
            "crit" or "fatal" => 5,
            _ => null,
        };
    }

    /// <summary>Debug and trace grey, information blue, warning orange, error and critical red.</summary>
    public static Color LevelColor(string? level) => Rank(level) switch
    {
        2 => Color.Info,
        3 => Color.Warning,
        4 or 5 => Color.Error,
        _ => Color.Default,
    };

    /// <summary>A stable CSS class for the level (<c>log-level-warning</c>).</summary>
    public static string LevelClass(string? level) => Rank(level) is { } rank ? "log-level-" + Levels[rank].ToLowerInvariant() : "log-level-unknown";

    /// <summary>
    /// Whether a line passes the query's filters as the gateway applies them: the same agent and
    /// symbol (case aside), at least the minimum level, inside the time range, and the text
    /// somewhere in the message (case aside). A filter left empty lets everything through.
    /// </summary>
    public static bool Matches(LogQuery query, LogEntry line)
    {
        if (!string.IsNullOrWhiteSpace(query.Agent) && !string.Equals(query.Agent.Trim(), line.Agent, StringComparison.OrdinalIgnoreCase)) return false;
        if (!string.IsNullOrWhiteSpace(query.Symbol) && !string.Equals(query.Symbol.Trim(), line.Symbol, StringComparison.OrdinalIgnoreCase)) return false;
        if (Rank(query.Level) is { } minimum && (Rank(line.Level) ?? -1) < minimum) return false;
        var at = new DateTimeOffset(line.Timestamp.ToUniversalTime(), TimeSpan.Zero);
        if (query.Since is { } since && at < since) return false;
        if (query.Until is { } until && at > until) return false;
        return string.IsNullOrWhiteSpace(query.Text) || line.Message.Contains(query.Text.Trim(), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>"2026-11-30 06:40:00.123" in UTC.</summary>
    public static string Time(DateTime at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.fff", Culture);

    /// <summary>A property's value as text: strings as they are, anything else as its JSON.</summary>
    public static string Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? string.Empty,
        JsonValueKind.Undefined => string.Empty,
        _ => value.GetRawText(),
    };
}
