namespace StockPlatform.Storage.Jobs;

/// <summary>
/// One date window of a job for one symbol: the unit of work a message carries. The counters are
/// what earlier attempts achieved, so a resumed task carries on from them. A running task is held
/// by <see cref="LeaseOwner"/> until <see cref="LeaseExpires"/>; a pending one with
/// <see cref="RetryAt"/> waits out a back-off after a failed attempt (<see cref="Error"/>).
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
    DateTimeOffset UpdatedAt = default,
    string? LeaseOwner = null,
    DateTimeOffset? LeaseExpires = null,
    DateTimeOffset? RetryAt = null,
    string? Error = null)
{
    // Kept as text so two reads of one task are equal, as records compare their fields.
    private readonly string _datasets = Ledger.LedgerDatasets.Bars;

    /// <summary>The datasets the window fetches (<see cref="Ledger.LedgerDatasets"/>, in their order).</summary>
    public IReadOnlyList<string> Datasets
    {
        get => _datasets.Length == 0 ? [] : _datasets.Split(',');
        init => _datasets = string.Join(',', value);
    }

    /// <summary>Trades the window stored so far (new rows only).</summary>
    public long TradesInserted { get; init; }

    /// <summary>Quotes the window stored so far (new rows only).</summary>
    public long QuotesInserted { get; init; }
}
