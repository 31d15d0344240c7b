using System.Globalization;
using MudBlazor;
using StockPlatform.Frontend.Gateway;

namespace StockPlatform.Frontend.Display;

/// <summary>One agent's section on the Agents page: whether it is told to pause, and its instances.</summary>
public sealed record AgentGroup(string Agent, AgentControl? Control, IReadOnlyList<AgentInstance> Instances)
{
    public bool Paused => Control?.Paused == true;
}

/// <summary>How agents read on the Agents page: status colours, heartbeat ages, progress and counters.</summary>
public static class AgentText
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    /// <summary>The gateway's verdict in its colour: ok green, stalled orange, stopped red, anything else grey.</summary>
    public static Color StatusColor(string? status) => status switch
    {
        "ok" => Color.Success,
        "stalled" => Color.Warning,
        "stopped" => Color.Error,
        _ => Color.Default,
    };

    /// <summary>A stable CSS class for the status (<c>agent-status-stalled</c>), safe whatever the gateway sends.</summary>
    public static string StatusClass(string? status) =>
        "agent-status-" + new string([.. (status ?? "unknown").ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c == '-')]);

    /// <summary>
    /// How old the instance's heartbeat is at <paramref name="now"/>: the gateway's age when the list
    /// was fetched plus the time since. Counting on from the gateway's own age keeps a clock
    /// difference between the gateway's host and this one out of the figure.
    /// </summary>
    public static TimeSpan Age(AgentInstance instance, DateTimeOffset fetchedAt, DateTimeOffset now)
    {
        var since = now - fetchedAt;
        return TimeSpan.FromSeconds(Math.Max(0, instance.AgeSeconds)) + (since > TimeSpan.Zero ? since : TimeSpan.Zero);
    }

    /// <summary>"2 s ago", "1 min 05 s ago", "3 h 02 min ago", "2 d 4 h ago".</summary>
    public static string AgeText(TimeSpan age) => Duration(age) + " ago";

    /// <summary>"2 s", "1 min 05 s", "3 h 02 min", "2 d 4 h" (whole units, rounded down).</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero) span = TimeSpan.Zero;
        return span switch
        {
            { TotalMinutes: < 1 } => string.Create(Culture, $"{(int)span.TotalSeconds} s"),
            { TotalHours: < 1 } => string.Create(Culture, $"{span.Minutes} min {span.Seconds:00} s"),
            { TotalDays: < 1 } => string.Create(Culture, $"{span.Hours} h {span.Minutes:00} min"),
            _ => string.Create(Culture, $"{(int)span.TotalDays} d {span.Hours} h"),
        };
    }

    /// <summary>Progress (a fraction) as a percentage from 0 to 100, or null when the agent reports none.</summary>
    public static double? Percent(double? progress) =>
        progress is { } p && double.IsFinite(p) ? Math.Clamp(p * 100, 0, 100) : null;

    /// <summary>"bars_inserted" reads as "bars inserted".</summary>
    public static string CounterName(string name) => name.Replace('_', ' ').Replace('-', ' ');

    /// <summary>Whole numbers with thousands separators, others with up to two decimals.</summary>
    public static string CounterValue(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e15 ? value.ToString("N0", Culture) : value.ToString("#,##0.##", Culture);

    /// <summary>"06:40:00 UTC" today, with the date before it otherwise.</summary>
    public static string Time(DateTime at, DateTimeOffset now)
    {
        var utc = at.ToUniversalTime();
        return utc.Date == now.UtcDateTime.Date
            ? utc.ToString("HH:mm:ss 'UTC'", Culture)
            : utc.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", Culture);
    }

    /// <summary>
    /// One section per agent name, by name: its control (pausing is per agent, not per instance)
    /// and its instances by name. An agent that is paused but has no instance left still has one.
    /// </summary>
    public static IReadOnlyList<AgentGroup> Group(AgentList list)
    {
        var controls = list.Controls.GroupBy(c => c.Agent, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.MaxBy(c => c.ChangedAt)!, StringComparer.Ordinal);
        return [.. list.Agents.Select(a => a.Agent).Concat(controls.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(agent => new AgentGroup(agent, controls.GetValueOrDefault(agent),
                [.. list.Agents.Where(a => a.Agent == agent).OrderBy(a => a.Instance, StringComparer.Ordinal)]))];
    }
}
