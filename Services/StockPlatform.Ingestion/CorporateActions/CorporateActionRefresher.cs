using System.Diagnostics;
using Microsoft.Extensions.Options;
using StockPlatform.Contracts;
using StockPlatform.Ingestion.Backfill;
using StockPlatform.Ingestion.Calendar;
using StockPlatform.Ingestion.JobTasks;
using StockPlatform.Ingestion.Telemetry;
using StockPlatform.MarketData.Alpaca.Rest;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.ServiceDefaults.Agents;
using StockPlatform.ServiceDefaults.Logging;
using StockPlatform.ServiceDefaults.Telemetry;
using StockPlatform.Storage.CorporateActions;
using StockPlatform.Storage.Jobs;

namespace StockPlatform.Ingestion.CorporateActions;

/// <summary>
/// Runs one task of a <c>corporate-actions</c> job: fetches the symbol's actions of every type
/// over the range, the raw SIP daily closes its cash dividends are measured against (one request
/// for all of them), works out each action's factors (<see cref="CorporateActionFactors"/>) and
/// replaces what is stored for the range. The task runs under a lease like a backfill window,
/// and fails or is tried again the same way (<see cref="TaskOutcomes"/>).
/// </summary>
public sealed partial class CorporateActionRefresher(
    JobStore jobs,
    CorporateActionStore store,
    AlpacaRestClient alpaca,
    TradingCalendar calendar,
    TaskOutcomes outcomes,
    AgentIdentity identity,
    AgentStatus status,
    FetchSlots slots,
    IOptions<IngestionOptions> options,
    TimeProvider time,
    ILogger<CorporateActionRefresher> logger)
{
    /// <summary>Runs the task of <paramref name="message"/>; one done, held elsewhere, waiting out a back-off or of a finished job is skipped.</summary>
    public async Task RunAsync(RefreshCorporateActions message, CancellationToken stopping)
    {
        using var scope = logger.BeginWorkScope(agent: identity.Name, symbol: message.Symbol, stage: "corporate-actions");
        var settings = options.Value;
        JobTask? task;
        try
        {
            task = await jobs.ClaimTaskAsync(message.TaskId, identity.Instance, settings.TaskLease, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Paused or stopping before it began: the acknowledged message is sent again by the sweeper.
            await jobs.MarkUnsentAsync([message.TaskId], CancellationToken.None);
            return;
        }
        if (task is null) return;

        await using var lease = new BatchLease(jobs, [task.Id], identity.Instance, settings.TaskLease, time, logger);
        var key = task.Id.ToString("N");
        status.BeginTask(key, $"{task.Symbol} corporate actions {task.Start:yyyy-MM-dd}..{task.End:yyyy-MM-dd}");
        using var span = IngestionTelemetry.Source.StartActivity("corporate actions");
        span?.SetTag(TelemetryTags.Symbol, task.Symbol);
        span?.SetTag(TelemetryTags.JobId, task.JobId.ToString());
        span?.SetTag(TelemetryTags.From, task.Start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        span?.SetTag(TelemetryTags.To, task.End.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            var actions = await FetchAsync(task, stopping);
            span?.SetTag(TelemetryTags.Rows, actions.Count);
            if (!lease.IsHeld(task.Id))
            {
                LogLost(task.Symbol);
                return;
            }
            await store.ReplaceAsync([task.Symbol], task.Start, task.End, actions, stopping);
            lease.Release(task.Id);
            status.Count("corporate_actions_stored", actions.Count);
            LogStored(task.Symbol, actions.Count, actions.Count(a => a.PriceFactor is not null), task.Start, task.End);
            // Not cancellable: the lease is let go, so a pause landing here must not strand the task.
            var done = await jobs.CompleteTaskAsync(task.Id, identity.Instance, 1, 0, 0, CancellationToken.None);
            if (done is null) return;
            await outcomes.PublishProgressAsync(done, stopping);
            if (done.Status == JobStatus.Succeeded) await outcomes.PublishCompletedAsync(done, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Paused or stopping: the task goes back to the queue for whichever agent runs next.
            if (lease.IsHeld(task.Id)) await jobs.ReleaseAsync(task.Id, identity.Instance, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            span.Fail(ex);
            if (!lease.IsHeld(task.Id)) return;
            lease.Release(task.Id);
            await outcomes.RecordFailureAsync(task, ex);
        }
        finally
        {
            status.EndTask(key);
        }
    }

    /// <summary>The symbol's actions over the task's range, with their factors, ready to store.</summary>
    private async Task<List<StoredCorporateAction>> FetchAsync(JobTask task, CancellationToken cancellationToken)
    {
        var symbol = Symbol.Parse(task.Symbol);
        IReadOnlyList<CorporateAction> actions;
        await slots.WaitAsync(cancellationToken);
        try
        {
            actions = await alpaca.GetCorporateActionsAsync(new CorporateActionsRequest([symbol], task.Start, task.End), cancellationToken);
        }
        finally
        {
            slots.Release();
        }
        var closes = await ReferenceClosesAsync(symbol,
            [.. actions.Where(a => a.Type == CorporateActionTypes.CashDividend && a.ExDate is not null).Select(a => a.ExDate!.Value)], cancellationToken);
        return [.. actions.Select(action => CorporateActionFactors.ToStored(task.Symbol, action,
            action.ExDate is { } exDate && closes.TryGetValue(exDate, out var close) ? close : null))];
    }

    /// <summary>
    /// Each ex-date's reference close: the raw SIP daily close of the last trading day before it,
    /// from one daily-bars request over all of them. An ex-date whose day before has not closed yet,
    /// or has no bar, gets none (its dividend waits for a later refresh).
    /// </summary>
    private async Task<Dictionary<DateOnly, decimal>> ReferenceClosesAsync(Symbol symbol, IReadOnlyList<DateOnly> exDates, CancellationToken cancellationToken)
    {
        var closes = new Dictionary<DateOnly, decimal>();
        if (exDates.Count == 0) return closes;
        // No market closes for more than a few days in a row: ten calendar days always hold the day before.
        var days = await calendar.GetTradingDaysAsync(exDates.Min().AddDays(-10), exDates.Max().AddDays(-1), cancellationToken);
        var reference = CorporateActionFactors.ReferenceDays(exDates, days, time.GetUtcNow());
        if (reference.Count == 0) return closes;

        var first = reference.Values.Min();
        var last = reference.Values.Max();
        var request = new BarsRequest([symbol], BarInterval.OneDay, NewYorkTime.StartOfDay(first), NewYorkTime.StartOfDay(last.AddDays(1)).AddSeconds(-1))
        {
            Feed = JobKinds.CorporateActionsFeed,
            Adjustment = "raw",
        };
        IReadOnlyDictionary<Symbol, IReadOnlyList<Bar>> bars;
        await slots.WaitAsync(cancellationToken);
        try
        {
            bars = await alpaca.GetBarsAsync(request, cancellationToken);
        }
        finally
        {
            slots.Release();
        }
        var byDate = (bars.GetValueOrDefault(symbol) ?? []).ToDictionary(bar => NewYorkTime.DateOf(bar.Timestamp), bar => bar.Close);
        foreach (var (exDate, day) in reference)
        {
            if (byDate.TryGetValue(day, out var close)) closes[exDate] = close;
        }
        return closes;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored {Count} corporate actions of {Symbol} ({WithFactor} with a factor) for {Start}..{End}")]
    private partial void LogStored(string symbol, int count, int withFactor, DateOnly start, DateOnly end);

    [LoggerMessage(Level = LogLevel.Information, Message = "Corporate actions of {Symbol}: the task is no longer ours (its job was cancelled, or another agent took it over)")]
    private partial void LogLost(string symbol);
}
