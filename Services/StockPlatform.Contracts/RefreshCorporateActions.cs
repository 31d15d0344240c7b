namespace StockPlatform.Contracts;

/// <summary>
/// Command: fetch one symbol's corporate actions with an ex-date in [<c>Start</c>, <c>End</c>]
/// (one task of a <c>corporate-actions</c> job), work out the factor each
/// applies to earlier bars, and replace what is stored for that range.
/// </summary>
public sealed record RefreshCorporateActions(
    Guid JobId,
    Guid TaskId,
    string Symbol,
    DateOnly Start,
    DateOnly End);
