using System.ComponentModel.DataAnnotations;

namespace StockPlatform.Ingestion;

/// <summary>Backfill agent settings (section <c>Ingestion</c>).</summary>
public sealed class IngestionOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Ingestion";

    /// <summary>
    /// Paged requests in flight at once, over every batch (they share the one Alpaca budget; a
    /// few keep it busy while pages are being stored).
    /// </summary>
    [Range(1, 64)]
    public int MaxConcurrentFetches { get; set; } = 4;

    /// <summary>Most windows fetched together in one batch.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// A batch closes once no further window has arrived for this long, so the windows of a burst
    /// of requests (one job's, or many posted one after another) are planned together.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan BatchWait { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Batches run at once, so a new request starts while a long batch still works.</summary>
    [Range(1, 16)]
    public int ConcurrentBatches { get; set; } = 2;

    /// <summary>
    /// How long a claimed window stays this agent's without a renewal (renewed every third of it
    /// while the window works). A killed agent's windows are taken over once it lapses.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan TaskLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Attempts a window gets before it fails for good (faults Alpaca or the data may recover from).</summary>
    [Range(1, 100)]
    public int MaxTaskAttempts { get; set; } = 5;

    /// <summary>Back-off before the second attempt; it doubles after each (30 s, 1, 2, 4 min: the fifth attempt about 7.5 min after the first).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the sweeper looks for windows to send: never sent, due after a back-off, or whose agent died.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A window stored but not marked sent for this long lost its message (the gateway could not publish).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan UnsentTaskGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1.</summary>
    public TimeSpan RetryDelay(int attempt) => TimeSpan.FromTicks(RetryBaseDelay.Ticks * (1L << Math.Clamp(attempt - 1, 0, 20)));

    /// <summary>
    /// A backfill that succeeds refreshes its symbols' corporate actions unless they were refreshed
    /// over its range this recently (a gap backfill follows every reconnect of the live stream).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan CorporateActionsFreshFor { get; set; } = TimeSpan.FromHours(12);
}
