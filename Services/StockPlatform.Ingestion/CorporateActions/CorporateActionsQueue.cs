using MassTransit;
using StockPlatform.Contracts;
using Microsoft.Extensions.Options;
using StockPlatform.MarketData.Calendar;
using StockPlatform.Storage.CorporateActions;
using StockPlatform.Storage.Jobs;

namespace StockPlatform.Ingestion.CorporateActions;

/// <summary>
/// Queues a <c>corporate-actions</c> job: one <see cref="RefreshCorporateActions"/> task per symbol
/// over the whole range, or finds the same refresh already queued or running.
/// </summary>
public sealed partial class CorporateActionsQueue(JobStore jobs, CorporateActionStore actions, IPublishEndpoint bus, IOptions<IngestionOptions> options,
    TimeProvider time, ILogger<CorporateActionsQueue> logger)
{
    /// <summary>
    /// The refresh that follows a backfill: only the symbols whose actions were not refreshed over
    /// [<paramref name="start"/>, today] within <see cref="IngestionOptions.CorporateActionsFreshFor"/>
    /// (the live stream's gap backfills after every reconnect would otherwise each queue one).
    /// Null when every symbol is fresh.
    /// </summary>
    public async Task<Job?> QueueStaleAsync(IReadOnlyList<string> symbols, DateOnly start, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var today = NewYorkTime.DateOf(now);
        var stale = new List<string>(symbols.Count);
        foreach (var symbol in symbols)
        {
            if (await actions.GetRefreshAsync(symbol, cancellationToken) is not { } refresh
                || refresh.Start > start || refresh.End < today || now - refresh.RefreshedAt > options.Value.CorporateActionsFreshFor)
                stale.Add(symbol);
        }
        return stale.Count == 0 ? null : await QueueAsync(stale, start, null, cancellationToken);
    }

    /// <summary>
    /// Queues a refresh of <paramref name="symbols"/> over ex-dates [<paramref name="start"/>,
    /// <paramref name="end"/> or today]. A task whose message could not go out stays unsent in the
    /// store, and the sweeper sends it.
    /// </summary>
    public async Task<Job> QueueAsync(IReadOnlyList<string> symbols, DateOnly start, DateOnly? end, CancellationToken cancellationToken)
    {
        var to = end ?? NewYorkTime.DateOf(time.GetUtcNow());
        if (to < start) to = start;
        var (job, tasks, created) = await jobs.CreateOrGetActiveAsync(JobKinds.CorporateActions, symbols, start, to, JobKinds.CorporateActionsFeed, [],
            JobKinds.CorporateActionsWindows(start, to), cancellationToken);
        if (!created) return job;
        var sent = new List<Guid>(tasks.Count);
        try
        {
            foreach (var task in tasks)
            {
                await bus.Publish(new RefreshCorporateActions(job.Id, task.Id, task.Symbol, task.Start, task.End), cancellationToken);
                sent.Add(task.Id);
            }
        }
        finally
        {
            await jobs.MarkPublishedAsync(sent, CancellationToken.None);
        }
        LogQueued(job.Id, symbols.Count, start, to);
        return job;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Corporate actions refresh {JobId} of {Symbols} symbols over {Start}..{End} queued")]
    private partial void LogQueued(Guid jobId, int symbols, DateOnly start, DateOnly end);
}
