namespace StockPlatform.Contracts;

/// <summary>
/// Command: backfill 1-minute bars for one symbol over a date range (inclusive, exchange dates).
/// The job row already exists; the ingestion agent splits it into <see cref="BackfillWindow"/> tasks.
/// </summary>
public sealed record StartBackfill(
    Guid JobId,
    string Symbol,
    DateOnly Start,
    DateOnly End,
    string Feed);
