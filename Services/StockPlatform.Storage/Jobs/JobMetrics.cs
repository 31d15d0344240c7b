using System.Diagnostics.Metrics;
using StockPlatform.ServiceDefaults.Telemetry;

namespace StockPlatform.Storage.Jobs;

/// <summary>
/// The job metrics, recorded by the store because it is where a job reaches its final state: in
/// the transaction that finishes its last task or cancels it, whichever agent or gateway runs it.
/// </summary>
internal static class JobMetrics
{
    public const string MeterName = "StockPlatform.Storage";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>From a job's creation to its final state; a job retried and finishing again counts again, from its creation.</summary>
    public static readonly Histogram<double> Duration = Meter.CreateHistogram("stockplatform.job.duration", unit: "s",
        description: "Time from a job's creation to its final state, by kind and status", tags: null, advice: HistogramBuckets.LongSeconds);

    /// <summary>Records <paramref name="job"/>'s duration when it is finished (the caller knows it was open before).</summary>
    public static void RecordFinished(Job? job)
    {
        if (job is not { IsFinished: true }) return;
        var seconds = Math.Max(0, (job.UpdatedAt - job.CreatedAt).TotalSeconds);
        Duration.Record(seconds, new KeyValuePair<string, object?>(TelemetryTags.JobKind, job.Kind), new(TelemetryTags.JobStatus, JobStore.ToText(job.Status)));
    }
}
