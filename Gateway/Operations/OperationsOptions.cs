using System.ComponentModel.DataAnnotations;

namespace StockPlatform.Gateway.Operations;

/// <summary>How the gateway judges agents from their heartbeats (section <c>Operations</c>).</summary>
public sealed class OperationsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Operations";

    /// <summary>How often the monitor looks at the heartbeats (and <c>GET /agents</c> says it).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Missed heartbeats (of the instance's own interval, which its heartbeat carries) after which it is <c>stalled</c>.</summary>
    [Range(2, 100)]
    public int StalledAfterBeats { get; set; } = 3;

    /// <summary>
    /// Silence after which a stalled instance is taken for <c>stopped</c> (killed, its host gone);
    /// never less than twice the instance's own stall threshold.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan StoppedAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A running job whose progress has not moved for this long raises a <c>job-stalled</c> alert.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan JobStalledAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A stopped instance is forgotten this long after its last heartbeat (sooner once another instance of its agent runs).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan ForgetAfter { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The agents that can be paused, besides any that has sent a heartbeat.</summary>
    public string[] Agents { get; set; } = ["ingestion", "livestream", "features"];
}
