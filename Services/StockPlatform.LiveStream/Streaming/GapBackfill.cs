using MassTransit;
using Microsoft.Extensions.Options;
using StockPlatform.Contracts;
using StockPlatform.MarketData.Alpaca;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Jobs;
using StockPlatform.Storage.Ledger;
using StockPlatform.Storage.Tracking;

namespace StockPlatform.LiveStream.Streaming;

/// <summary>
/// Closes what a disconnect left open: asks the ingestion agent for a backfill of the tracked
/// symbols from the session of their last stored minute to today. The ingestion agent fetches
/// what its ledger lacks (today's session, still trading, always) and upserts it, so the stored
/// minutes end as if the stream had never dropped; asking again while that job runs returns it.
/// Symbols tracked with trades or quotes get those fetched too (stored ones are not written twice).
/// </summary>
public sealed partial class GapBackfill(BarStore bars, JobStore jobs, TrackingStore tracking, IBus bus, IOptions<LiveStreamOptions> options,
    IOptions<AlpacaOptions> alpaca, TimeProvider time, ILogger<GapBackfill> logger)
{
    /// <summary>
    /// Queues the backfill (or finds the same one running), one job per set of datasets the
    /// symbols stream, and returns the last job's id; null without symbols.
    /// </summary>
    public Task<Guid?> RequestAsync(IReadOnlyCollection<Symbol> symbols, CancellationToken cancellationToken) =>
        RequestAsync(symbols, null, cancellationToken);

    /// <summary>
    /// As <see cref="RequestAsync(IReadOnlyCollection{Symbol}, CancellationToken)"/>, from
    /// <paramref name="since"/> at the latest: minutes lost before the last stored one (a batch
    /// the store refused) lie before where a gap after it would start.
    /// </summary>
    public async Task<Guid?> RequestAsync(IReadOnlyCollection<Symbol> symbols, DateOnly? since, CancellationToken cancellationToken)
    {
        if (symbols.Count == 0) return null;
        var channels = (await tracking.ListAsync(cancellationToken)).ToDictionary(t => t.Symbol);
        Guid? last = null;
        foreach (var group in symbols.GroupBy(symbol => DatasetsOf(channels.GetValueOrDefault(symbol.Value))))
            last = await RequestAsync([.. group], group.Key.Split(','), since, cancellationToken);
        return last;
    }

    private static string DatasetsOf(TrackedSymbol? tracked) => string.Join(',', new[]
    {
        LedgerDatasets.Bars,
        tracked?.Trades == true ? LedgerDatasets.Trades : null,
        tracked?.Quotes == true ? LedgerDatasets.Quotes : null,
    }.OfType<string>());

    private async Task<Guid> RequestAsync(IReadOnlyCollection<Symbol> symbols, IReadOnlyList<string> datasets, DateOnly? since, CancellationToken cancellationToken)
    {
        var today = NewYorkTime.DateOf(time.GetUtcNow());
        var start = since is { } earliest && earliest < today ? earliest : today;
        foreach (var symbol in symbols)
        {
            if ((await bars.GetSymbolAsync(symbol, cancellationToken))?.LastBar is { } last && NewYorkTime.DateOf(last) < start)
                start = NewYorkTime.DateOf(last);
        }

        var windows = JobWindow.Split(start, today, options.Value.BackfillWindowDays, today);
        var (job, tasks, created) = await jobs.CreateOrGetActiveAsync(JobKinds.Backfill, symbols.Select(s => s.Value).ToArray(), start, today, alpaca.Value.Feed,
            datasets, windows, cancellationToken);
        if (!created) return job.Id;
        foreach (var task in tasks)
            await bus.Publish(new BackfillWindow(job.Id, task.Id, task.Symbol, task.Start, task.End, task.Feed, task.Datasets), cancellationToken);
        // Unmarked, the ingestion agent's sweeper sends them once more; a duplicate changes nothing.
        await jobs.MarkPublishedAsync([.. tasks.Select(t => t.Id)], cancellationToken);
        LogRequested(job.Id, symbols.Count, start, today);
        return job.Id;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Gap backfill {JobId} of {Symbols} tracked symbols from {Start} to {End} asked of the ingestion agent")]
    private partial void LogRequested(Guid jobId, int symbols, DateOnly start, DateOnly end);
}
