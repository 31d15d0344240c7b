using System.Globalization;

namespace StockPlatform.Storage.Jobs;

/// <summary>The kinds of job the queue holds; each kind's tasks go to its own agent.</summary>
public static class JobKinds
{
    /// <summary>A historical backfill of 1-minute bars, trades or quotes (the ingestion agent's).</summary>
    public const string Backfill = "backfill";

    /// <summary>
    /// A refresh of corporate actions (the ingestion agent's): one task per symbol over the whole
    /// range, each counted as one unit of progress.
    /// </summary>
    public const string CorporateActions = "corporate-actions";

    /// <summary>The feed a corporate-actions job names: dividend factors come from SIP's raw daily closes.</summary>
    public const string CorporateActionsFeed = "sip";

    /// <summary>The one window of a corporate-actions job: its whole range, one unit of progress per symbol.</summary>
    public static IReadOnlyList<JobWindow> CorporateActionsWindows(DateOnly start, DateOnly end) => [new JobWindow(start, end, 1)];

    /// <summary>A rebuild of a feature set over a range (the feature agent's).</summary>
    public const string FeatureRebuild = "feature-rebuild";

    /// <summary>How a feature-rebuild task names its feature set version in its <c>feed</c> column: <c>core:1</c>.</summary>
    public static string FeatureTarget(string featureSet, int version) => string.Create(CultureInfo.InvariantCulture, $"{featureSet}:{version}");

    /// <summary>The feature set and version a feature-rebuild task's <c>feed</c> names.</summary>
    public static (string FeatureSet, int Version) ParseFeatureTarget(string feed)
    {
        var colon = feed.LastIndexOf(':');
        return (feed[..colon], int.Parse(feed.AsSpan(colon + 1), CultureInfo.InvariantCulture));
    }
}
