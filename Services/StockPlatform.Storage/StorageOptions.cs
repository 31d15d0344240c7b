using System.ComponentModel.DataAnnotations;

namespace StockPlatform.Storage;

/// <summary>Hot-store settings (section <c>Storage</c>).</summary>
public sealed class StorageOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Storage";

    /// <summary>
    /// Use TimescaleDB when the server offers it (<c>on</c>, the default) or never (<c>off</c>).
    /// <c>STOCKPLATFORM_TIMESCALE</c> overrides it.
    /// </summary>
    [RegularExpression("^(on|off)$", ErrorMessage = "Storage:Timescale must be 'on' or 'off'.")]
    public string Timescale { get; set; } = "on";

    /// <summary>TimescaleDB: compress bars_1m chunks older than this.</summary>
    public TimeSpan CompressAfter { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long the central log store keeps log records: TimescaleDB drops whole one-day chunks
    /// past it; on plain PostgreSQL, older rows are deleted every <see cref="LogRetentionSweep"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan LogRetention { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Plain PostgreSQL path: how often log records past <see cref="LogRetention"/> are deleted.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LogRetentionSweep { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Attempts for an operation that hits a transient database error (a restart, a failover).</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 6;

    /// <summary>Apply migrations when the service starts.</summary>
    public bool MigrateOnStart { get; set; } = true;
}
