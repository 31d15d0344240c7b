using System.ComponentModel.DataAnnotations;

namespace StockPlatform.LiveStream;

/// <summary>Live updater settings (section <c>LiveStream</c>).</summary>
public sealed class LiveStreamOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "LiveStream";

    /// <summary>Bars written together at most; a batch is written when full or <see cref="BatchWindow"/> after its first bar.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>Longest a received bar waits to be written (stream bars arrive at the start of each minute, all together).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan BatchWindow { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Streamed trades and quotes written together at most (a liquid symbol quotes many times a second).</summary>
    [Range(1, 100_000)]
    public int TickBatchSize { get; set; } = 10_000;

    /// <summary>Streamed trades and quotes waiting to be written at most; more are dropped (and logged) while the database is away.</summary>
    [Range(1_000, 10_000_000)]
    public int TickQueueCapacity { get; set; } = 1_000_000;

    /// <summary>How often a standby instance tries to become the one that streams.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan LeaderRetry { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A connection with no message for this long while bars are subscribed (and the market is
    /// open) is reported as stalled and dropped; the next one comes after the stream's back-off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Silence counts only while the market is open (its extended session): quiet outside it is
    /// normal. False for a feed that trades around the clock, or a simulated market on a clock of its own.
    /// </summary>
    public bool StallOnlyInMarketHours { get; set; } = true;

    /// <summary>
    /// How often the open subscription is compared with <c>tracked_symbols</c> and put right, so a
    /// tracking change whose bus message was missed is applied all the same.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Attempts (with growing waits, up to half a minute apart) to fetch again over REST the
    /// minutes of a batch the store refused, before a backfill job is asked for them instead.
    /// </summary>
    [Range(1, 100)]
    public int RefillAttempts { get; set; } = 6;

    /// <summary>Calendar days per task of a gap backfill after a reconnect.</summary>
    [Range(1, 366)]
    public int BackfillWindowDays { get; set; } = 7;
}
