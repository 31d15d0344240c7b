using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Options;
using StockPlatform.Contracts;
using StockPlatform.Ingestion.Agents;
using StockPlatform.MarketData.Alpaca.Errors;
using StockPlatform.MarketData.Alpaca.Rest;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.ServiceDefaults.Logging;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Calendar;
using StockPlatform.Storage.Jobs;
using StockPlatform.Storage.Ledger;

namespace StockPlatform.Ingestion.Backfill;

/// <summary>
/// Backfills one date window of one symbol: reads the trading calendar (fetching and storing it
/// when missing), takes the sessions the ingest ledger lacks (the gap scan), fetches each run of
/// consecutive missing sessions from Alpaca page by page, upserts every page, records the
/// sessions in the ledger and reports progress. Running it twice changes nothing the second time:
/// fetched sessions are skipped and upserts are idempotent.
/// </summary>
/// <remarks>
/// One layer retries each kind of fault, so a bad page costs a bounded number of requests: HTTP
/// faults in the Alpaca client (its rate-limit-aware pipeline), transient database faults where
/// they happen (DbRetry), and everything that still fails here, as an attempt of the window:
/// <see cref="IngestionOptions.MaxTaskAttempts"/> of them, backing off, then the window fails with
/// the reason. The bus only redelivers what a crash left unacknowledged.
/// </remarks>
public sealed partial class WindowBackfiller(
    JobStore jobs,
    CalendarStore calendar,
    IngestLedger ledger,
    BarStore bars,
    AlpacaRestClient alpaca,
    IPublishEndpoint bus,
    AgentState agent,
    IOptions<IngestionOptions> options,
    TimeProvider time,
    ILogger<WindowBackfiller> logger)
{
    /// <summary>
    /// Runs the task of <paramref name="message"/> under a lease. A task that is done, failed,
    /// cancelled, or held by another agent (a redelivery, a duplicate) is skipped. Never throws
    /// for the window's own faults: they are recorded as failed attempts.
    /// </summary>
    public async Task RunAsync(BackfillWindow message, CancellationToken stopping)
    {
        using var scope = logger.BeginWorkScope(agent: AgentState.AgentName, symbol: message.Symbol, stage: "window");
        var settings = options.Value;
        var task = await jobs.ClaimTaskAsync(message.TaskId, agent.Instance, settings.TaskLease, stopping);
        if (task is null)
        {
            LogSkipped(message.TaskId, message.Start, message.End);
            return;
        }

        agent.Begin(task.Id, $"{task.Symbol} {task.Start:yyyy-MM-dd}..{task.End:yyyy-MM-dd}");
        await using var lease = new TaskLease(jobs, task.Id, agent.Instance, settings.TaskLease, time, logger, stopping);
        try
        {
            await BackfillAsync(task, Symbol.Parse(task.Symbol), lease.Token);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The agent is stopping: the window goes back to the queue for whichever agent runs next.
            await jobs.ReleaseAsync(task.Id, agent.Instance, CancellationToken.None);
            LogReleased(task.Start, task.End);
        }
        catch (OperationCanceledException) when (lease.IsLost)
        {
            // Cancelled, or taken over after the lease lapsed: whoever holds it now carries on.
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await RecordFailureAsync(task, ex, settings);
        }
        finally
        {
            agent.End(task.Id);
        }
    }

    /// <summary>
    /// Records a failed attempt. Bad keys, an unknown symbol, a plan without the feed, a request
    /// Alpaca refuses: no retry can mend those, the window fails at once with Alpaca's words.
    /// Anything else (Alpaca or the database down past their own retries, a page that fails
    /// validation) is tried again after a back-off, until the attempts are used up.
    /// </summary>
    private async Task RecordFailureAsync(JobTask task, Exception exception, IngestionOptions settings)
    {
        var permanent = exception is AlpacaException { IsTransient: false };
        var reason = exception is AlpacaException or BarValidationException ? exception.Message : $"{exception.GetType().Name}: {exception.Message}";
        var retryAt = permanent || task.Attempts >= settings.MaxTaskAttempts ? (DateTimeOffset?)null : time.GetUtcNow() + settings.RetryDelay(task.Attempts);
        var job = await jobs.RecordFailureAsync(task.Id, agent.Instance, $"{task.Symbol} {task.Start:yyyy-MM-dd}..{task.End:yyyy-MM-dd}: {reason}", retryAt, CancellationToken.None);
        if (retryAt is { } next)
        {
            LogAttemptFailed(task.Attempts, settings.MaxTaskAttempts, task.Start, task.End, reason, next);
            return;
        }
        LogWindowFailed(task.Attempts, task.Start, task.End, reason);
        if (job is { Status: JobStatus.Failed })
        {
            LogJobFailed(job.Id, job.FailedWindows, job.Error ?? reason);
            await bus.Publish(new JobFailed(job.Id, job.Symbol, job.Error ?? reason, time.GetUtcNow()), CancellationToken.None);
        }
    }

    private async Task BackfillAsync(JobTask task, Symbol symbol, CancellationToken cancellationToken)
    {
        var sessions = await SessionsAsync(task, cancellationToken);

        // The gap scan: only sessions missing from the ledger are fetched.
        var fetched = await ledger.GetFetchedAsync(task.Symbol, task.Feed, task.Start, task.End, cancellationToken);
        var missing = sessions.Where(day => !fetched.Contains(day.Date)).ToList();
        var progress = new WindowProgress(task, sessions.Count, sessions.Count - missing.Count);
        LogGapScan(task.Start, task.End, sessions.Count, missing.Count);
        await ReportAsync(progress, cancellationToken);

        foreach (var run in ConsecutiveRuns(sessions, missing))
        {
            await FetchRunAsync(task, symbol, run, progress, cancellationToken);
        }

        var job = await jobs.CompleteTaskAsync(task.Id, sessions.Count, progress.Totals.Inserted, progress.Totals.Corrected, cancellationToken);
        await PublishProgressAsync(job, cancellationToken);
        LogWindowDone(task.Start, task.End, progress.Totals.Inserted, progress.Totals.Corrected, progress.Totals.Unchanged);
        if (job.Status == JobStatus.Succeeded)
        {
            LogJobSucceeded(job.Id, job.SessionsTotal, job.BarsInserted, job.BarsCorrected);
            await bus.Publish(new JobCompleted(job.Id, job.Symbol, job.SessionsTotal, job.BarsInserted, job.BarsCorrected, time.GetUtcNow()), cancellationToken);
        }
    }

    /// <summary>
    /// The window's sessions that have begun, from the stored calendar. A missing calendar is
    /// fetched for the whole years around the window: one request serves every window and symbol.
    /// </summary>
    private async Task<List<TradingDay>> SessionsAsync(JobTask task, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginWorkScope(stage: "calendar");
        if (!await calendar.CoversAsync(task.Start, task.End, cancellationToken))
        {
            var from = new DateOnly(task.Start.Year, 1, 1);
            var to = new DateOnly(task.End.Year, 12, 31);
            var days = await alpaca.GetCalendarAsync(from, to, cancellationToken);
            await calendar.SaveRangeAsync(from, to, days, cancellationToken);
            LogCalendarStored(from, to, days.Count);
        }
        var now = time.GetUtcNow();
        var stored = await calendar.GetTradingDaysAsync(task.Start, task.End, cancellationToken);
        return [.. stored.Where(day => day.SessionOpenUtc <= now)];
    }

    /// <summary>
    /// Fetches one run of consecutive sessions with as few requests as Alpaca allows, upserting
    /// page by page. Bars come in time order, so every session before a page's last bar is whole:
    /// it goes into the ledger at once, and a crash loses at most the page in flight.
    /// </summary>
    private async Task FetchRunAsync(JobTask task, Symbol symbol, List<TradingDay> run, WindowProgress progress, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var from = run[0].SessionOpenUtc;
        // Alpaca's end is inclusive: stop at the last minute of the run, or the last finished minute today.
        var to = run[^1].SessionCloseUtc.AddMinutes(-1);
        var lastFinishedMinute = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero).AddMinutes(-1);
        if (to > lastFinishedMinute) to = lastFinishedMinute;

        var perSession = new Dictionary<DateOnly, int>();
        var pending = new Queue<TradingDay>(run);
        var request = BarsRequest.For(symbol, BarInterval.OneMinute, from, to) with { Feed = task.Feed };

        using var scope = logger.BeginWorkScope(stage: "fetch");
        await foreach (var page in alpaca.GetBarPagesAsync(request, cancellationToken))
        {
            var pageBars = page.Bars.Select(item => item.Bar).ToList();
            if (pageBars.Count == 0) continue;
            UpsertResult upserted;
            using (logger.BeginWorkScope(stage: "persist"))
            {
                var started = Stopwatch.GetTimestamp();
                upserted = await bars.UpsertAsync(symbol, task.Feed, pageBars, cancellationToken);
                progress.Totals += upserted;
                LogPagePersisted(page.Number, pageBars.Count, upserted.Inserted, upserted.Corrected, upserted.Unchanged, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            foreach (var bar in pageBars)
            {
                var date = NewYorkTime.DateOf(bar.Timestamp);
                perSession[date] = perSession.GetValueOrDefault(date) + 1;
            }
            agent.Update(task.Id, $"{task.Symbol} {run[0].Date:yyyy-MM-dd}..{run[^1].Date:yyyy-MM-dd} page {page.Number}");

            var lastDate = NewYorkTime.DateOf(pageBars[^1].Timestamp);
            await RecordAsync(task, TakeWhile(pending, day => day.Date < lastDate), perSession, progress, now, cancellationToken);
            await PublishIngestedAsync(task, pageBars, upserted, cancellationToken);
        }

        // The rest of the run ended with the last page (or had no trades at all).
        await RecordAsync(task, TakeWhile(pending, _ => true), perSession, progress, now, cancellationToken);
    }

    /// <summary>Puts whole sessions into the ledger and reports the task's progress.</summary>
    private async Task RecordAsync(JobTask task, List<TradingDay> whole, Dictionary<DateOnly, int> perSession, WindowProgress progress, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (whole.Count == 0) return;
        // Today's session is fetched as far as it has gone but not marked complete, so the next
        // backfill fetches it again and picks up the rest.
        var complete = whole.Where(day => day.SessionCloseUtc <= now)
            .ToDictionary(day => day.Date, day => perSession.GetValueOrDefault(day.Date));
        using (logger.BeginWorkScope(stage: "ledger"))
        {
            await ledger.RecordAsync(task.Symbol, task.Feed, complete, cancellationToken);
        }
        progress.SessionsDone += whole.Count;
        await ReportAsync(progress, cancellationToken);
    }

    private async Task ReportAsync(WindowProgress progress, CancellationToken cancellationToken)
    {
        var job = await jobs.UpdateTaskProgressAsync(progress.Task.Id, progress.SessionsTotal, progress.SessionsDone,
            progress.Totals.Inserted, progress.Totals.Corrected, cancellationToken);
        await PublishProgressAsync(job, cancellationToken);
    }

    private async Task PublishIngestedAsync(JobTask task, List<Bar> pageBars, UpsertResult upserted, CancellationToken cancellationToken)
    {
        if (upserted.Inserted + upserted.Corrected == 0) return;
        var sessions = pageBars.Select(bar => NewYorkTime.DateOf(bar.Timestamp)).Distinct().ToList();
        await bus.Publish(new BarsIngested(task.Symbol, task.Feed, pageBars[0].Timestamp, pageBars[^1].Timestamp,
            upserted.Inserted, upserted.Corrected, sessions, task.JobId), cancellationToken);
    }

    private static List<TradingDay> TakeWhile(Queue<TradingDay> pending, Func<TradingDay, bool> predicate)
    {
        var taken = new List<TradingDay>();
        while (pending.TryPeek(out var day) && predicate(day)) taken.Add(pending.Dequeue());
        return taken;
    }

    /// <summary>Groups the missing sessions into runs with no fetched session between them, so each run is one range query.</summary>
    internal static List<List<TradingDay>> ConsecutiveRuns(IReadOnlyList<TradingDay> sessions, IReadOnlyList<TradingDay> missing)
    {
        var missingDates = missing.Select(day => day.Date).ToHashSet();
        var runs = new List<List<TradingDay>>();
        List<TradingDay>? current = null;
        foreach (var day in sessions)
        {
            if (missingDates.Contains(day.Date))
            {
                current ??= [];
                current.Add(day);
            }
            else if (current is not null)
            {
                runs.Add(current);
                current = null;
            }
        }
        if (current is not null) runs.Add(current);
        return runs;
    }

    private Task PublishProgressAsync(Job job, CancellationToken cancellationToken) =>
        bus.Publish(new JobProgressed(job.Id, job.Symbol, job.SessionsDone, job.SessionsTotal, job.BarsInserted, job.BarsCorrected, time.GetUtcNow()), cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} ({Start}..{End}) is done, held by another agent, waiting for a retry, or its job finished; nothing to do")]
    private partial void LogSkipped(Guid taskId, DateOnly start, DateOnly end);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored the calendar for {Start}..{End}: {Sessions} trading days")]
    private partial void LogCalendarStored(DateOnly start, DateOnly end, int sessions);

    [LoggerMessage(Level = LogLevel.Information, Message = "Gap scan {Start}..{End}: {Sessions} sessions, {Missing} to fetch")]
    private partial void LogGapScan(DateOnly start, DateOnly end, int sessions, int missing);

    [LoggerMessage(Level = LogLevel.Information, Message = "Page {Page}: {Count} bars persisted ({Inserted} inserted, {Corrected} corrected, {Unchanged} unchanged) in {ElapsedMs:0} ms")]
    private partial void LogPagePersisted(int page, int count, int inserted, int corrected, int unchanged, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Window {Start}..{End} done: {Inserted} inserted, {Corrected} corrected, {Unchanged} unchanged")]
    private partial void LogWindowDone(DateOnly start, DateOnly end, int inserted, int corrected, int unchanged);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} succeeded: {Sessions} sessions, {Inserted} bars inserted, {Corrected} corrected")]
    private partial void LogJobSucceeded(Guid jobId, int sessions, long inserted, long corrected);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} failed ({FailedWindows} windows): {Reason}")]
    private partial void LogJobFailed(Guid jobId, int failedWindows, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Attempt {Attempt} of {MaxAttempts} for {Start}..{End} failed ({Reason}); trying again at {RetryAt:O}")]
    private partial void LogAttemptFailed(int attempt, int maxAttempts, DateOnly start, DateOnly end, string reason, DateTimeOffset retryAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Window {Start}..{End} failed for good after {Attempts} attempt(s): {Reason}")]
    private partial void LogWindowFailed(int attempts, DateOnly start, DateOnly end, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: window {Start}..{End} goes back to the queue")]
    private partial void LogReleased(DateOnly start, DateOnly end);

    /// <summary>A task's running counts; bars carry over from an earlier, interrupted attempt.</summary>
    private sealed class WindowProgress(JobTask task, int sessionsTotal, int sessionsDone)
    {
        public JobTask Task { get; } = task;

        public int SessionsTotal { get; } = sessionsTotal;

        public int SessionsDone { get; set; } = sessionsDone;

        public UpsertResult Totals { get; set; } = new((int)task.BarsInserted, (int)task.BarsCorrected, 0);
    }
}
