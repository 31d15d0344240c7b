namespace StockPlatform.Storage.Jobs;

/// <summary>A date window (inclusive) to become a task, with its session count when known.</summary>
public readonly record struct JobWindow(DateOnly Start, DateOnly End, int SessionsTotal = 0);
