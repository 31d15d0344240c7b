namespace StockPlatform.Contracts;

/// <summary>
/// Event: a job finished another unit of work. <c>RowsInserted</c> counts the rows
/// stored per dataset the job fetches (<c>bars</c>, <c>trades</c>, <c>quotes</c>); null from
/// senders that do not count them.
/// </summary>
public sealed record JobProgressed(
    Guid JobId,
    string Symbol,
    int SessionsDone,
    int SessionsTotal,
    long BarsInserted,
    long BarsCorrected,
    DateTimeOffset At,
    IReadOnlyDictionary<string, long>? RowsInserted = null);
