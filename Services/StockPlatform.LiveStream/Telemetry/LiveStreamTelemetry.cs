using System.Diagnostics;
using System.Diagnostics.Metrics;
using StockPlatform.MarketData.Alpaca.Stream;
using StockPlatform.ServiceDefaults.Telemetry;
using StockPlatform.Storage.Bars;

namespace StockPlatform.LiveStream.Telemetry;

/// <summary>
/// The live updater's spans (<c>write batch</c>: one per batch of stream bars stored and announced;
/// <c>fill gap</c>: the minutes missed while disconnected, fetched over REST) and metrics, exported
/// by the service defaults as <c>StockPlatform.*</c>.
/// </summary>
internal static class LiveStreamTelemetry
{
    public const string Name = "StockPlatform.LiveStream";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly KeyValuePair<string, object?> Live = new(TelemetryTags.Source, "live");

    /// <summary>New bars stored (rows inserted).</summary>
    public static readonly Counter<long> BarsIngested = Meter.CreateCounter<long>("stockplatform.bars.ingested", unit: "{bar}",
        description: "Bars stored that were not stored before, by source");

    /// <summary>Stored bars replaced with other values (the stream's updated bars).</summary>
    public static readonly Counter<long> BarsCorrected = Meter.CreateCounter<long>("stockplatform.bars.corrected", unit: "{bar}",
        description: "Stored bars replaced by a corrected version, by source");

    /// <summary>Streamed bars left out of their batch as invalid.</summary>
    public static readonly Counter<long> BarsRejected = Meter.CreateCounter<long>("stockplatform.bars.rejected", unit: "{bar}",
        description: "Bars dropped before storing because they cannot exist, by source");

    /// <summary>From the end of a bar's minute to the moment it is stored.</summary>
    public static readonly Histogram<double> StreamLag = Meter.CreateHistogram("stockplatform.stream.lag", unit: "s",
        description: "Time from the end of a streamed bar's minute to its being stored, by bar kind", tags: null, advice: HistogramBuckets.ShortSeconds);

    /// <summary>Counts stored bars (both counters get a value, zero included, so both exist from the first write on).</summary>
    public static void CountStored(UpsertResult result)
    {
        BarsIngested.Add(result.Inserted, Live);
        BarsCorrected.Add(result.Corrected, Live);
    }

    /// <summary>Counts streamed bars left out as invalid.</summary>
    public static void CountRejected(int bars) => BarsRejected.Add(bars, Live);

    /// <summary>Records each streamed minute's lag, stored at <paramref name="storedAt"/>.</summary>
    public static void RecordLag(IEnumerable<StreamBarReceived> batch, DateTimeOffset storedAt)
    {
        foreach (var bar in batch)
        {
            // Only minute bars end a minute after they start; clocks a little apart must not make a lag negative.
            if (bar.Kind is not (StreamBarKind.Minute or StreamBarKind.Updated)) continue;
            var lag = Math.Max(0, (storedAt - bar.Bar.Timestamp.AddMinutes(1)).TotalSeconds);
            StreamLag.Record(lag, new KeyValuePair<string, object?>(TelemetryTags.BarKind, bar.Kind == StreamBarKind.Minute ? "minute" : "updated"));
        }
    }

    /// <summary>Puts what a batch's upsert did on its span.</summary>
    public static void TagStored(Activity? span, UpsertResult result)
    {
        if (span is null) return;
        span.SetTag(TelemetryTags.RowsInserted, result.Inserted);
        span.SetTag(TelemetryTags.RowsCorrected, result.Corrected);
        span.SetTag(TelemetryTags.RowsUnchanged, result.Unchanged);
    }
}
