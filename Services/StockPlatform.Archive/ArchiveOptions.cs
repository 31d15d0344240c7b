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

    /// <summary>
    /// How bars are partitioned: <c>day</c> (the default; one file per symbol and session,
    /// <c>bars/symbol=SPY/dt=2024-01-02/</c>) or <c>month</c> (one file per symbol and month holding
    /// every archived session of it, <c>bars/symbol=SPY/month=2024-01/</c>, with a <c>dt</c> column:
    /// about 20 times fewer files, which DuckDB scans several times faster). Features, trades and
    /// quotes keep day files either way.
    /// </summary>
    [AllowedValues(BarPartitioningNames.Day, BarPartitioningNames.Month,
        ErrorMessage = "Archive:Partitioning must be 'day' (one bars file per symbol and session) or 'month' (one per symbol and month)")]
    public string Partitioning { get; set; } = BarPartitioningNames.Day;

    /// <summary><see cref="Partitioning"/> as the layout takes it (validated at start-up).</summary>
    public BarPartitioning BarPartitioning => BarPartitioningNames.Parse(Partitioning);
}

/// <summary>The granularity of bars files (<see cref="ArchiveOptions.Partitioning"/>).</summary>
public enum BarPartitioning
{
    /// <summary>One file per symbol and session: <c>bars/symbol=SPY/dt=2024-01-02/part-0.parquet</c>.</summary>
    Day,

    /// <summary>One file per symbol and month, every archived session of it: <c>bars/symbol=SPY/month=2024-01/part-0.parquet</c>.</summary>
    Month,
}

/// <summary>The configuration spellings of <see cref="BarPartitioning"/>.</summary>
public static class BarPartitioningNames
{
    public const string Day = "day";
    public const string Month = "month";

    /// <summary>The granularity <paramref name="name"/> names; anything else is refused, naming the two.</summary>
    public static BarPartitioning Parse(string? name) => name switch
    {
        Day => BarPartitioning.Day,
        Month => BarPartitioning.Month,
        _ => throw new ArgumentException($"'{name}' is no bars partitioning: use '{Day}' or '{Month}'", nameof(name)),
    };

    /// <summary>The spelling of <paramref name="partitioning"/> (what <c>GET /archive/partitions</c> shows).</summary>
    public static string Of(BarPartitioning partitioning) => partitioning == BarPartitioning.Month ? Month : Day;
}
