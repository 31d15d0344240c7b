namespace StockPlatform.Storage.Jobs;

/// <summary>One date window of a job for one symbol: the unit of work a message carries.</summary>
public sealed record JobTask(
    Guid Id,
    Guid JobId,
    int Seq,
    string Symbol,
    DateOnly Start,
    DateOnly End,
    string Feed,
    string Status,
    int Attempts);
