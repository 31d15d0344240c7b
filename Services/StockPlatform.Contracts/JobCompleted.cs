namespace StockPlatform.Contracts;

/// <summary>Event: every task of a job succeeded.</summary>
public sealed record JobCompleted(
    Guid JobId,
    string Symbol,
    int SessionsTotal,
    long BarsInserted,
    long BarsCorrected,
    DateTimeOffset At);
