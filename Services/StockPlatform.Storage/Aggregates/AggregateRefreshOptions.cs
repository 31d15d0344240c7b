using System.ComponentModel.DataAnnotations;

namespace StockPlatform.Storage.Aggregates;

/// <summary>
/// When the TimescaleDB path's continuous aggregates catch up with written minutes (section
/// <c>Storage:AggregateRefresh</c>). Reads are exact either way; a refresh only makes reads of
/// the hours written meanwhile cheaper, so it waits for writes to pause and coalesces them.
/// </summary>
public sealed class AggregateRefreshOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Storage:AggregateRefresh";

    /// <summary>Run the refresher in this process (any number may: one refreshes at a time).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the refresher looks for changed hours.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Refresh once no write has marked an hour for this long, so a burst of pages costs one refresh.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan QuietPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Refresh anyway once the oldest changed hour has waited this long (a backfill that never pauses).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Changed ranges closer than this are refreshed as one window: fewer calls, and the gap holds no invalidations to recompute.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan MergeGap { get; set; } = TimeSpan.FromDays(1);
}
