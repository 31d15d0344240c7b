using System.Text.Json;

namespace StockPlatform.Frontend.Gateway;

// The gateway's feature answers (GET /features, GET /features/{symbol}).

/// <summary>One build of the code that computed a feature set version (assembly version and git commit).</summary>
public sealed record FeatureBuild(int Id, string CodeRef, DateTime CreatedAt);

/// <summary>A feature set version: its columns, canonical parameters (and their hash), intervals and builds.</summary>
public sealed record FeatureSetVersion(
    string FeatureSet, int Version, IReadOnlyList<string> Columns, JsonElement Params, string ParamsHash, IReadOnlyList<string> Intervals,
    IReadOnlyList<FeatureBuild> Builds)
{
    /// <summary>"core v1".</summary>
    public string Name => $"{FeatureSet} v{Version}";
}

/// <summary>The body of <c>GET /features</c>.</summary>
public sealed record FeatureSetList(IReadOnlyList<FeatureSetVersion> FeatureSets);

/// <summary>One row of features: the bar's time and each column's value, null during a feature's warm-up.</summary>
public sealed record FeatureRow(DateTime Timestamp, IReadOnlyDictionary<string, double?> Values)
{
    public double? this[string column] => Values.GetValueOrDefault(column);
}

/// <summary>A page of <c>GET /features/{symbol}</c>, oldest first; <see cref="NextStart"/> is where the range continues.</summary>
public sealed record FeaturePage(
    string Symbol, string FeatureSet, int Version, string Interval, IReadOnlyList<string> Columns, IReadOnlyList<FeatureRow> Rows, DateTime? NextStart);
