using System.Diagnostics;
using System.Diagnostics.Metrics;
using StockPlatform.ServiceDefaults.Telemetry;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Ledger;

namespace StockPlatform.Ingestion.Telemetry;

/// <summary>
/// The ingestion agent's spans (plan, fetch, fetch page, upsert, insert, ledger, corporate
/// actions) and bar, trade and quote counters, exported by the service defaults as
/// <c>StockPlatform.*</c>. The Alpaca calls under them are <c>StockPlatform.MarketData</c>'s, the
/// SQL under them Npgsql's.
/// </summary>
internal static class IngestionTelemetry
{
    public const string Name = "StockPlatform.Ingestion";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly KeyValuePair<string, object?> Backfill = new(TelemetryTags.Source, "backfill");

    /// <summary>New bars stored (rows inserted).</summary>
    public static readonly Counter<long> BarsIngested = Meter.CreateCounter<long>("stockplatform.bars.ingested", unit: "{bar}",
        description: "Bars stored that were not stored before, by source");

    /// <summary>Stored bars replaced with other values (Alpaca's corrections).</summary>
    public static readonly Counter<long> BarsCorrected = Meter.CreateCounter<long>("stockplatform.bars.corrected", unit: "{bar}",
        description: "Stored bars replaced by a corrected version, by source");

    /// <summary>New trades stored.</summary>
    public static readonly Counter<long> TradesIngested = Meter.CreateCounter<long>("stockplatform.trades.ingested", unit: "{trade}",
        description: "Trades stored that were not stored before, by source");

    /// <summary>New quotes stored.</summary>
    public static readonly Counter<long> QuotesIngested = Meter.CreateCounter<long>("stockplatform.quotes.ingested", unit: "{quote}",
        description: "Quotes stored that were not stored before, by source");

    /// <summary>Counts the new rows of a trades or quotes insert (zero included, so the counter exists from the first insert on).</summary>
    public static void CountTicks(string dataset, int inserted) =>
        (dataset == LedgerDatasets.Trades ? TradesIngested : QuotesIngested).Add(inserted, Backfill);

    /// <summary>Counts an upsert's bars; both counters get a value, zero included, so both exist from the first upsert on.</summary>
    public static void CountStored(UpsertResult result)
    {
        BarsIngested.Add(result.Inserted, Backfill);
        BarsCorrected.Add(result.Corrected, Backfill);
    }

    /// <summary>Puts what an upsert did on its span.</summary>
    public static void TagUpserted(Activity? span, UpsertResult result)
    {
        if (span is null) return;
        span.SetTag(TelemetryTags.RowsInserted, result.Inserted);
        span.SetTag(TelemetryTags.RowsCorrected, result.Corrected);
        span.SetTag(TelemetryTags.RowsUnchanged, result.Unchanged);
    }

    /// <summary>Names one symbol, or several, on a span.</summary>
    public static void TagSymbols(Activity? span, IReadOnlyCollection<string> symbols)
    {
        if (span is null) return;
        if (symbols.Count == 1) span.SetTag(TelemetryTags.Symbol, symbols.First());
        else span.SetTag(TelemetryTags.Symbols, TelemetryTags.Listed(symbols));
    }

    /// <summary>Names one job, or several, on a span.</summary>
    public static void TagJobs(Activity? span, IReadOnlyCollection<Guid> jobs)
    {
        if (span is null || jobs.Count == 0) return;
        if (jobs.Count == 1) span.SetTag(TelemetryTags.JobId, jobs.First().ToString());
        else span.SetTag(TelemetryTags.JobIds, TelemetryTags.Listed(jobs.Select(job => job.ToString())));
    }
}
