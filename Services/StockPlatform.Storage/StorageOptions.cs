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

    /// <summary>Attempts for an operation that hits a transient database error (a restart, a failover).</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 6;

    /// <summary>Apply migrations when the service starts.</summary>
    public bool MigrateOnStart { get; set; } = true;
}
