namespace StockPlatform.Contracts;

/// <summary>
/// Event: 1-minute bars of a symbol were stored. <paramref name="From"/> and <paramref name="To"/>
/// bound the bar start times (UTC) written; consumers recompute what depends on that range.
/// </summary>
public sealed record BarsIngested(
    string Symbol,
    string Feed,
    DateTimeOffset From,
    DateTimeOffset To,
    int Inserted,
    int Corrected,
    IReadOnlyList<DateOnly> Sessions,
    Guid? JobId);
