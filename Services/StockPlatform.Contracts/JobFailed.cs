namespace StockPlatform.Contracts;

/// <summary>Event: a job stopped for good; <paramref name="Reason"/> is meant for a person to read.</summary>
public sealed record JobFailed(Guid JobId, string Symbol, string Reason, DateTimeOffset At);
