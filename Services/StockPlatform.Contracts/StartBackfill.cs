namespace StockPlatform.Contracts;

/// <summary>
/// Command: backfill a symbol over a date range (inclusive, exchange dates): 1-minute bars, or the
/// <c>Datasets</c> named (<c>bars</c>, <c>trades</c>, <c>quotes</c>; null means bars).
/// The job row already exists; the ingestion agent splits it into <see cref="BackfillWindow"/> tasks.
/// </summary>
public sealed record StartBackfill(
    Guid JobId,
    string Symbol,
    DateOnly Start,
    DateOnly End,
    string Feed,
    IReadOnlyList<string>? Datasets = null);
