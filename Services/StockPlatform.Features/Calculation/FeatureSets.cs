namespace StockPlatform.Features.Calculation;

/// <summary>The feature sets the platform computes and stores.</summary>
public static class FeatureSets
{
    /// <summary>Feature set <c>core</c> version 1: returns, moving averages, RSI, ATR, volatility, session VWAP, volume z-score, range.</summary>
    public static FeatureSetDefinition CoreV1 { get; } = FeatureSetDefinition.CreateCore("core", 1, CoreFeatureParameters.V1);

    /// <summary>Every known feature set, each name and version once.</summary>
    public static IReadOnlyList<FeatureSetDefinition> All { get; } = [CoreV1];

    /// <summary>The feature set with this name (ordinal, case-sensitive) and version; null when there is none.</summary>
    public static FeatureSetDefinition? Find(string name, int version)
    {
        foreach (var set in All)
        {
            if (set.Version == version && string.Equals(set.Name, name, StringComparison.Ordinal)) return set;
        }

        return null;
    }
}
