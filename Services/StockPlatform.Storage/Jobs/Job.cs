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

    // Kept as text so two reads of one job are equal, as records compare their fields.
    private readonly string _datasets = Ledger.LedgerDatasets.Bars;

    /// <summary>
    /// The datasets a backfill fetches (<see cref="Ledger.LedgerDatasets"/>, in their order); empty
    /// for kinds that fetch none of them (feature rebuilds, corporate actions).
    /// </summary>
    public IReadOnlyList<string> Datasets
    {
        get => _datasets.Length == 0 ? [] : _datasets.Split(',');
        init => _datasets = string.Join(',', value);
    }

    /// <summary>Trades stored by the job's windows (new rows only).</summary>
    public long TradesInserted { get; init; }

    /// <summary>Quotes stored by the job's windows (new rows only).</summary>
    public long QuotesInserted { get; init; }

    /// <summary>Rows inserted per dataset the job fetches.</summary>
    public IReadOnlyDictionary<string, long> RowsInserted => JobDatasets.RowsInserted(Datasets, BarsInserted, TradesInserted, QuotesInserted);
}
