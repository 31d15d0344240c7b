namespace StockPlatform.Contracts;

/// <summary>
/// Command: recompute one feature set version for a symbol over a date range (one task of a
/// feature-rebuild job), every interval it covers.
/// </summary>
public sealed record RebuildFeatures(
    Guid JobId,
    Guid TaskId,
    string Symbol,
    string FeatureSet,
    int Version,
    DateOnly Start,
    DateOnly End);
