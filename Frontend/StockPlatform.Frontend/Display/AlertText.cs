using StockPlatform.Frontend.Gateway;

namespace StockPlatform.Frontend.Display;

/// <summary>How alerts read in the dashboard: their kind in words, and the order they are listed in.</summary>
public static class AlertText
{
    /// <summary>"agent-stalled" reads as "Agent stalled"; an unknown kind as itself, capitalised.</summary>
    public static string Kind(string kind) => kind switch
    {
        "agent-stalled" => "Agent stalled",
        "agent-stopped" => "Agent stopped",
        "job-stalled" => "Job stalled",
        "" => "Alert",
        _ => char.ToUpperInvariant(kind[0]) + kind[1..].Replace('-', ' '),
    };

    /// <summary>
    /// Active alerts first, newest raised first; then the cleared ones among <paramref name="recent"/>,
    /// last cleared first. An alert in both lists is listed once, as the active list has it.
    /// </summary>
    public static IReadOnlyList<Alert> Ordered(IEnumerable<Alert> active, IEnumerable<Alert> recent)
    {
        var current = active.Where(a => a.IsActive).DistinctBy(a => a.Id).OrderByDescending(a => a.RaisedAt).ThenByDescending(a => a.Id).ToList();
        var ids = current.Select(a => a.Id).ToHashSet();
        var cleared = recent.Where(a => !a.IsActive && !ids.Contains(a.Id)).DistinctBy(a => a.Id)
            .OrderByDescending(a => a.ClearedAt).ThenByDescending(a => a.Id);
        return [.. current, .. cleared];
    }

    /// <summary>Who or what the alert is about: "ingestion host-1", "job 0b9e5f40", or nothing.</summary>
    public static string Subject(Alert alert) =>
        string.Join(" ", new[] { alert.Agent, alert.Instance, alert.JobId is { } job ? $"job {job.ToString()[..8]}" : null }.Where(s => !string.IsNullOrEmpty(s)));
}
