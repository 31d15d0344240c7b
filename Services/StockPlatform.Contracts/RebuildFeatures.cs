namespace StockPlatform.Contracts;

/// <summary>
/// Command: recompute one feature set for a symbol, optionally limited to a date range.
/// </summary>
public sealed record RebuildFeatures(
    Guid RequestId,
    string Symbol,
    string FeatureSet,
    int Version,
    DateOnly? Start,
    DateOnly? End);
