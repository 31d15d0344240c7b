namespace StockPlatform.Contracts;

/// <summary>Event: a feature set was (re)computed for a symbol over a time range.</summary>
public sealed record FeaturesBuilt(
    string Symbol,
    string FeatureSet,
    int Version,
    string Interval,
    DateTimeOffset From,
    DateTimeOffset To,
    int Rows);
