using MudBlazor;
using StockPlatform.Frontend.Gateway;

namespace StockPlatform.Frontend.Display;

/// <summary>
/// What a job is, in words: a backfill fetches from a feed; a feature rebuild recomputes a feature
/// set version, which the gateway names in the job's feed (<c>core:1</c>).
/// </summary>
public static class JobKindText
{
    public const string FeatureRebuild = "feature-rebuild";

    /// <summary>"Backfill" or "Feature rebuild".</summary>
    public static string Title(Job job) => job.Kind == FeatureRebuild ? "Feature rebuild" : "Backfill";

    /// <summary>"feed iex" or "feature set core v1".</summary>
    public static string Source(Job job)
    {
        if (job.Kind != FeatureRebuild) return $"feed {job.Feed}";
        var colon = job.Feed.LastIndexOf(':');
        return colon > 0 ? $"feature set {job.Feed[..colon]} v{job.Feed[(colon + 1)..]}" : $"feature set {job.Feed}";
    }

    public static string Icon(Job job) => job.Kind == FeatureRebuild ? Icons.Material.Filled.Functions : Icons.Material.Filled.CloudDownload;
}
