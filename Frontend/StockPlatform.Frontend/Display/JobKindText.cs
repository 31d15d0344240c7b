using MudBlazor;
using StockPlatform.Frontend.Gateway;

namespace StockPlatform.Frontend.Display;

/// <summary>
/// What a job is, in words: a backfill fetches datasets (bars, trades, quotes) from a feed; a
/// feature rebuild recomputes a feature set version, which the gateway names in the job's feed
/// (<c>core:1</c>); a corporate actions refresh fetches splits and dividends.
/// </summary>
public static class JobKindText
{
    public const string FeatureRebuild = "feature-rebuild";

    public const string CorporateActions = "corporate-actions";

    /// <summary>"Backfill", "Feature rebuild" or "Corporate actions refresh".</summary>
    public static string Title(Job job) => job.Kind switch
    {
        FeatureRebuild => "Feature rebuild",
        CorporateActions => "Corporate actions refresh",
        _ => "Backfill",
    };

    /// <summary>"feed iex", "feed iex · bars, trades, quotes" (when more than bars), "feature set core v1" or "splits and dividends".</summary>
    public static string Source(Job job)
    {
        if (job.Kind == CorporateActions) return "splits and dividends";
        if (job.Kind != FeatureRebuild)
            return job.Data is { Count: > 0 } data && !(data.Count == 1 && data[0] == "bars") ? $"feed {job.Feed} · {string.Join(", ", data)}" : $"feed {job.Feed}";
        var colon = job.Feed.LastIndexOf(':');
        return colon > 0 ? $"feature set {job.Feed[..colon]} v{job.Feed[(colon + 1)..]}" : $"feature set {job.Feed}";
    }

    public static string Icon(Job job) => job.Kind switch
    {
        FeatureRebuild => Icons.Material.Filled.Functions,
        CorporateActions => Icons.Material.Filled.CallSplit,
        _ => Icons.Material.Filled.CloudDownload,
    };
}
