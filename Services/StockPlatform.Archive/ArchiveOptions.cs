using System.ComponentModel.DataAnnotations;

namespace StockPlatform.Archive;

/// <summary>Archive settings (section <c>Archive</c>).</summary>
public sealed class ArchiveOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Archive";

    /// <summary>The archive's root directory: <c>parquet/</c> and <c>duckdb/</c> live under it (default <c>data</c>).</summary>
    [Required]
    public string Root { get; set; } = "data";

    /// <summary>
    /// Days of sessions the hot store keeps (0, the default: everything). Older sessions that are
    /// archived are deleted from the hot store, and reads of them come from the archive.
    /// </summary>
    [Range(0, 36_500)]
    public int HotRetentionDays { get; set; }
}
