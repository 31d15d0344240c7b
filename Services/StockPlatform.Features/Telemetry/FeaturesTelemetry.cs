using System.Diagnostics;
using System.Globalization;
using StockPlatform.Archive.Partitions;
using StockPlatform.ServiceDefaults.Telemetry;

namespace StockPlatform.Features.Telemetry;

/// <summary>
/// The feature agent's spans, exported by the service defaults as <c>StockPlatform.*</c>:
/// <c>refresh features</c> for a symbol's refresh, with <c>build features</c> for each feature
/// set recomputed and <c>archive session</c> for each partition written inside it.
/// </summary>
internal static class FeaturesTelemetry
{
    public const string Name = "StockPlatform.Features";

    public static readonly ActivitySource Source = new(Name);

    /// <summary>Starts a symbol's refresh under <paramref name="trace"/>'s parent (the current span when default), linked as it says.</summary>
    public static Activity? StartRefresh(string symbol, DateTimeOffset? changedFrom, BatchTrace trace = default)
    {
        var span = Source.StartActivity("refresh features", ActivityKind.Internal, trace.Parent, tags: null, links: trace.Links);
        span?.SetTag(TelemetryTags.Symbol, symbol);
        if (changedFrom is { } from) span?.SetTag(TelemetryTags.ChangedFrom, from.ToString("O", CultureInfo.InvariantCulture));
        return span;
    }

    public static Activity? StartBuild(string symbol, string featureSet, int version)
    {
        var span = Source.StartActivity("build features");
        span?.SetTag(TelemetryTags.Symbol, symbol);
        span?.SetTag(TelemetryTags.FeatureSet, featureSet);
        span?.SetTag(TelemetryTags.FeatureSetVersion, version);
        return span;
    }

    public static Activity? StartArchive(string symbol, DateOnly session, string dataset)
    {
        var span = Source.StartActivity("archive session");
        span?.SetTag(TelemetryTags.Symbol, symbol);
        span?.SetTag(TelemetryTags.Session, session.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        span?.SetTag(TelemetryTags.Dataset, dataset);
        return span;
    }

    /// <summary>Puts what a partition write did on its span (nothing written: the day was no trading day).</summary>
    public static void TagWritten(Activity? span, WrittenPartition? written)
    {
        if (span is null || written is null) return;
        span.SetTag(TelemetryTags.Rows, written.Rows);
        span.SetTag(TelemetryTags.Bytes, written.Bytes);
    }
}
