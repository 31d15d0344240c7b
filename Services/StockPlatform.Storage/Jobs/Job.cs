namespace StockPlatform.Storage.Jobs;

/// <summary>A backfill (or other) job and its progress, summed over its tasks.</summary>
public sealed record Job(
    Guid Id,
    string Kind,
    string Symbol,
    DateOnly Start,
    DateOnly End,
    string Feed,
    JobStatus Status,
    int SessionsDone,
    int SessionsTotal,
    long BarsInserted,
    long BarsCorrected,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>True once the job can change no more.</summary>
    public bool IsFinished => Status is JobStatus.Succeeded or JobStatus.Failed;
}
