using System.ComponentModel.DataAnnotations;

namespace StockPlatform.Ingestion;

/// <summary>Backfill agent settings (section <c>Ingestion</c>).</summary>
public sealed class IngestionOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Ingestion";

    /// <summary>Windows processed at once (several symbols backfill together, sharing the one Alpaca budget).</summary>
    [Range(1, 64)]
    public int MaxConcurrentWindows { get; set; } = 4;

    /// <summary>A task not updated for this long is considered lost (its process died) and is sent again.</summary>
    public TimeSpan StaleTaskAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often open tasks are checked for lost ones.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the agent announces it is alive.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);
}
