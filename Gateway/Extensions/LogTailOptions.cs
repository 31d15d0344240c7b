using System.ComponentModel.DataAnnotations;

namespace StockPlatform.Gateway.Extensions;

/// <summary>The live tail of the log store onto <c>GET /events</c> (section <c>Gateway:LogTail</c>).</summary>
public sealed class LogTailOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Gateway:LogTail";

    /// <summary>Follow the log store at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the log store is asked for new records.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long an id missing below newer ones is waited for: its batch may still be committing
    /// (services write concurrently, and ids are taken before commit). Past it, the id is taken for
    /// a batch that was rolled back, and skipped.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan Grace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most records read in one query (more are read at once when a query comes back full).</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 500;
}
