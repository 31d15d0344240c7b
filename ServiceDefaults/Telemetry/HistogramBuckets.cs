using System.Diagnostics.Metrics;

namespace StockPlatform.ServiceDefaults.Telemetry;

/// <summary>
/// Bucket boundaries for our histograms in seconds. The SDK's default boundaries (0 to 10,000)
/// suit milliseconds: a histogram in seconds would put nearly every value in its first buckets.
/// </summary>
public static class HistogramBuckets
{
    /// <summary>Short waits: a rate-limit slot, a database write, a stream bar's way to the store.</summary>
    public static readonly InstrumentAdvice<double> ShortSeconds = new()
    {
        HistogramBucketBoundaries = [0, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    };

    /// <summary>Long runs: jobs, from a second to hours.</summary>
    public static readonly InstrumentAdvice<double> LongSeconds = new()
    {
        HistogramBucketBoundaries = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 43200, 86400],
    };
}
