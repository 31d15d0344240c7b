using System.Globalization;
using StockPlatform.Frontend.Gateway;

namespace StockPlatform.Frontend.Display;

/// <summary>How a job's progress reads in the dashboard: a percentage, counts and a time left.</summary>
public static class JobProgressText
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    /// <summary>Sessions done as a percentage (0 to 100); 0 while nothing is planned yet, 100 when it succeeded.</summary>
    public static double Percent(Job job) =>
        job.Status == "succeeded" ? 100
        : job.Progress.SessionsTotal <= 0 ? 0
        : Math.Clamp(100.0 * job.Progress.SessionsDone / job.Progress.SessionsTotal, 0, 100);

    /// <summary>"12 / 40 sessions" (or "planning" before the windows know their sessions).</summary>
    public static string Sessions(JobProgress progress) =>
        progress.SessionsTotal <= 0 ? "planning" : string.Create(Culture, $"{progress.SessionsDone:N0} / {progress.SessionsTotal:N0} sessions");

    /// <summary>
    /// "1,234,567 bars" with corrections when there were any, then the trades and quotes stored
    /// where the gateway counts rows per dataset ("…, 52,000 trades, 310,000 quotes").
    /// </summary>
    public static string Bars(JobProgress progress)
    {
        var text = progress.BarsCorrected > 0
            ? string.Create(Culture, $"{progress.BarsInserted:N0} bars, {progress.BarsCorrected:N0} corrected")
            : string.Create(Culture, $"{progress.BarsInserted:N0} bars");
        foreach (var dataset in (string[])["trades", "quotes"])
        {
            if (progress.RowsInserted?.TryGetValue(dataset, out var rows) == true) text += string.Create(Culture, $", {rows:N0} {dataset}");
        }
        return text;
    }

    /// <summary>
    /// Time left at the pace so far (sessions per second since the job was created), or null while
    /// there is no pace yet or the job is no longer running.
    /// </summary>
    public static TimeSpan? Remaining(Job job, DateTime nowUtc)
    {
        var p = job.Progress;
        if (!job.IsActive || p.SessionsDone <= 0 || p.SessionsTotal <= p.SessionsDone) return null;
        var elapsed = nowUtc - job.CreatedAt;
        if (elapsed <= TimeSpan.Zero) return null;
        return TimeSpan.FromSeconds(elapsed.TotalSeconds / p.SessionsDone * (p.SessionsTotal - p.SessionsDone));
    }

    /// <summary>"about 3 min left", "about 40 s left", "about 2 h 5 min left"; empty without an estimate.</summary>
    public static string RemainingText(Job job, DateTime nowUtc) => Remaining(job, nowUtc) switch
    {
        null => string.Empty,
        { TotalSeconds: < 60 } t => string.Create(Culture, $"about {Math.Max(1, (int)Math.Ceiling(t.TotalSeconds))} s left"),
        { TotalHours: < 1 } t => string.Create(Culture, $"about {(int)Math.Ceiling(t.TotalMinutes)} min left"),
        var t => string.Create(Culture, $"about {(int)t.Value.TotalHours} h {t.Value.Minutes} min left"),
    };

    /// <summary>The colour a status shows in: running blue, succeeded green, failed red, cancelled and queued grey.</summary>
    public static MudBlazor.Color StatusColor(string status) => status switch
    {
        "running" or "pending" => MudBlazor.Color.Info,
        "succeeded" or "done" => MudBlazor.Color.Success,
        "failed" => MudBlazor.Color.Error,
        _ => MudBlazor.Color.Default,
    };
}
