namespace StockPlatform.Storage.Jobs;

/// <summary>
/// A backfill (or other) job and its progress, summed over its tasks. <see cref="Symbol"/> is
/// its display name: the ticker, or for a job of several the tickers joined by commas.
/// </summary>
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
    DateTimeOffset UpdatedAt,
    int FailedWindows = 0)
{
    /// <summary>True once the job can change no more (until its failed windows are retried).</summary>
    public bool IsFinished => Status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Cancelled;

    /// <summary>The job's tickers.</summary>
    public IReadOnlyList<string> Symbols => Symbol.Split(',');
}
