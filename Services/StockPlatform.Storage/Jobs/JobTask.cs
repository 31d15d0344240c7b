namespace StockPlatform.Storage.Jobs;

/// <summary>
/// One date window of a job for one symbol: the unit of work a message carries. The counters are
/// what earlier attempts achieved, so a resumed task carries on from them.
/// </summary>
public sealed record JobTask(
    Guid Id,
    Guid JobId,
    int Seq,
    string Symbol,
    DateOnly Start,
    DateOnly End,
    string Feed,
    string Status,
    int Attempts,
    int SessionsDone = 0,
    long BarsInserted = 0,
    long BarsCorrected = 0,
    DateTimeOffset UpdatedAt = default);
