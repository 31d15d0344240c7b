namespace StockPlatform.Contracts;

/// <summary>Event: every task of a job succeeded; <c>RowsInserted</c> as in <see cref="JobProgressed"/>.</summary>
public sealed record JobCompleted(
    Guid JobId,
    string Symbol,
    int SessionsTotal,
    long BarsInserted,
    long BarsCorrected,
    DateTimeOffset At,
    IReadOnlyDictionary<string, long>? RowsInserted = null);
