using System.Collections.Concurrent;
using System.Reflection;
using StockPlatform.Features.Calculation;
using StockPlatform.Storage.Features;

namespace StockPlatform.Features.Building;

/// <summary>
/// Registers each feature set version with this build of the code in <c>feature_metadata</c>
/// (once per process) and hands out the row's id, which every stored value carries. A version
/// registered before with other parameters is refused: the agent does not write under it.
/// </summary>
public sealed class FeatureRegistry(FeatureStore features)
{
    private readonly ConcurrentDictionary<(string, int), int> _ids = new();

    /// <summary>
    /// The code that computes the values: this assembly's informational version, which the SDK
    /// ends with the git commit it was built from (<c>0.1.0+2570a15…</c>).
    /// </summary>
    public static string CodeRef { get; } = "StockPlatform.Features " +
        (typeof(FeatureCalculator).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");

    /// <summary>The metadata id of <paramref name="set"/> for this build, registering it the first time.</summary>
    public async Task<int> MetadataIdAsync(FeatureSetDefinition set, CancellationToken cancellationToken = default)
    {
        if (_ids.TryGetValue((set.Name, set.Version), out var id)) return id;
        id = await features.RegisterAsync(set.Name, set.Version, set.Columns, set.ParametersJson, set.ParametersHash, CodeRef, cancellationToken);
        _ids[(set.Name, set.Version)] = id;
        return id;
    }

    /// <summary>Registers every set the code defines, so <c>GET /features</c> lists them before anything is built.</summary>
    public async Task RegisterAllAsync(CancellationToken cancellationToken = default)
    {
        foreach (var set in FeatureSets.All) await MetadataIdAsync(set, cancellationToken);
    }
}
