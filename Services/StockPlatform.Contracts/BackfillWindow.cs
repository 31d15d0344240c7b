namespace StockPlatform.Contracts;

/// <summary>
/// Command: fetch the sessions of one date window for one symbol that the ingest ledger lacks.
/// Kept small on purpose so a crash loses at most one window and redelivery is cheap.
/// </summary>
public sealed record BackfillWindow(
    Guid JobId,
    Guid TaskId,
    string Symbol,
    DateOnly Start,
    DateOnly End,
    string Feed);
