namespace StockPlatform.Contracts;

/// <summary>Event: a job finished another unit of work.</summary>
public sealed record JobProgressed(
    Guid JobId,
    string Symbol,
    int SessionsDone,
    int SessionsTotal,
    long BarsInserted,
    long BarsCorrected,
    DateTimeOffset At);
