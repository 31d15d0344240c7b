using System.ComponentModel.DataAnnotations;

namespace StockPlatform.Features;

/// <summary>Feature and archive agent settings (section <c>Features</c>).</summary>
public sealed class FeaturesOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Features";

    /// <summary>Most <c>BarsIngested</c> events handled together (one recomputation per symbol in them).</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 200;

    /// <summary>
    /// A batch closes once no event has arrived for this long: a backfill's windows for one symbol
    /// land in one recomputation instead of one each.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan BatchWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a claimed rebuild task stays this agent's without a renewal (renewed every third of it).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan TaskLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often unsent rebuild tasks and those of a stopped agent are sent again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A task the gateway stored but has not sent after this long is sent by the sweeper.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan UnsentTaskGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts a rebuild task gets before it fails for good.</summary>
    [Range(1, 100)]
    public int MaxTaskAttempts { get; set; } = 3;

    /// <summary>How often the hot store's retention (<c>Archive:HotRetentionDays</c>) is applied.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);
}
