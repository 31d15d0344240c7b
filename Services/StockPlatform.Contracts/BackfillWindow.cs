namespace StockPlatform.Contracts;

/// <summary>
/// Command: fetch the sessions of one date window for one symbol that the ingest ledger lacks.
/// Kept small on purpose so a crash loses at most one window and redelivery is cheap.
/// <c>Datasets</c> says what the window fetches (<c>bars</c>, <c>trades</c>, <c>quotes</c>); null
/// (a message from before datasets existed) means bars. The agent works from the window's stored
/// row, which says the same.
/// </summary>
public sealed record BackfillWindow(
    Guid JobId,
    Guid TaskId,
    string Symbol,
    DateOnly Start,
    DateOnly End,
    string Feed,
    IReadOnlyList<string>? Datasets = null);
