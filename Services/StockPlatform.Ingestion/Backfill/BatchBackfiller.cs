using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Options;
using StockPlatform.Contracts;
using StockPlatform.Ingestion.Calendar;
using StockPlatform.Ingestion.CorporateActions;
using StockPlatform.Ingestion.JobTasks;
using StockPlatform.Ingestion.Telemetry;
using StockPlatform.MarketData.Alpaca.Rest;
using StockPlatform.MarketData.Calendar;
using StockPlatform.ServiceDefaults.Agents;
using StockPlatform.ServiceDefaults.Logging;
using StockPlatform.ServiceDefaults.Telemetry;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Jobs;
using StockPlatform.Storage.Ledger;
using StockPlatform.Storage.Ticks;

namespace StockPlatform.Ingestion.Backfill;

/// <summary>
/// Backfills a batch of windows (of any symbols and jobs) together: claims each under a lease,
/// reads the trading calendar (fetching it once when missing), takes the sessions the ingest
/// ledger lacks for each dataset a window fetches (the gap scan), plans the fewest requests for
/// the bars (<see cref="FetchPlanner"/>) and one per symbol and session for trades and quotes
/// (<see cref="TickPlanner"/>), runs those a few at a time, stores every page, records whole
/// sessions in the ledger and reports each window's progress. Running a batch twice changes
/// nothing the second time: fetched sessions are skipped and writes are idempotent.
/// </summary>
/// <remarks>
/// One layer retries each kind of fault, so a bad page costs a bounded number of requests: HTTP
/// faults in the Alpaca client (its rate-limit-aware pipeline), transient database faults where
/// they happen (DbRetry), and everything that still fails here, as an attempt of the windows it
/// touches: <see cref="IngestionOptions.MaxTaskAttempts"/> of them, backing off, then the window
/// fails with the reason. A request of several symbols that fails is tried once more symbol by
/// symbol, so one symbol's fault fails only its own windows. The bus only redelivers what a crash
/// left unacknowledged.
/// </remarks>
public sealed partial class BatchBackfiller(
    JobStore jobs,
    TradingCalendar calendar,
    IngestLedger ledger,
    BarStore bars,
    TradeStore trades,
    QuoteStore quotes,
    AlpacaRestClient alpaca,
    CorporateActionsQueue corporateActions,
    TaskOutcomes outcomes,
    IPublishEndpoint bus,
    AgentIdentity identity,
    AgentStatus status,
    FetchSlots slots,
    IOptions<IngestionOptions> options,
    TimeProvider time,
    ILogger<BatchBackfiller> logger)
{
    // Fields, not captured parameters: the batch (a nested class) works with them too.
    private readonly JobStore _jobs = jobs;
    private readonly TradingCalendar _calendar = calendar;
    private readonly IngestLedger _ledger = ledger;
    private readonly BarStore _bars = bars;
    private readonly TradeStore _trades = trades;
    private readonly QuoteStore _quotes = quotes;
    private readonly AlpacaRestClient _alpaca = alpaca;
    private readonly CorporateActionsQueue _corporateActions = corporateActions;
    private readonly TaskOutcomes _outcomes = outcomes;
    private readonly IPublishEndpoint _bus = bus;
    private readonly AgentIdentity _identity = identity;
    private readonly AgentStatus _status = status;
    private readonly FetchSlots _slots = slots;
    private readonly IOptions<IngestionOptions> _options = options;
    private readonly TimeProvider _time = time;
    private readonly ILogger<BatchBackfiller> _logger = logger;

    /// <summary>
    /// Runs the windows of <paramref name="messages"/>. Windows done, failed, cancelled, waiting
    /// out a back-off or held by another agent (a redelivery, a duplicate) are skipped. Never
    /// throws for the windows' own faults: they are recorded as failed attempts.
    /// </summary>
    public async Task RunAsync(IReadOnlyList<BackfillWindow> messages, CancellationToken stopping)
    {
        using var scope = _logger.BeginWorkScope(agent: _identity.Name, stage: "batch");
        var settings = _options.Value;
        var claimed = new List<JobTask>();
        var taskIds = messages.Select(message => message.TaskId).Distinct().ToList();
        try
        {
            foreach (var taskId in taskIds)
            {
                if (await _jobs.ClaimTaskAsync(taskId, _identity.Instance, settings.TaskLease, stopping) is { } task) claimed.Add(task);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Paused or stopping before the batch began: nothing is lost, see below.
        }
        if (stopping.IsCancellationRequested)
        {
            // The messages are acknowledged, so their windows must be sent again: claimed ones are
            // released, the others marked unsent, and the sweeper sends them again (into the
            // stopped queue while paused, where they wait for the resume).
            foreach (var task in claimed) await _jobs.ReleaseAsync(task.Id, _identity.Instance, CancellationToken.None);
            await _jobs.MarkUnsentAsync(taskIds, CancellationToken.None);
            LogHandedBack(taskIds.Count);
            return;
        }
        LogClaimed(messages.Count, claimed.Count);
        if (claimed.Count == 0) return;

        await using var lease = new BatchLease(_jobs, claimed.Select(task => task.Id), _identity.Instance, settings.TaskLease, _time, _logger);
        var batch = new Batch(this, lease, stopping);
        try
        {
            await batch.RunAsync(claimed);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The agent is stopping: the unfinished windows go back to the queue for whichever agent runs next.
            foreach (var task in claimed.Where(task => lease.IsHeld(task.Id)))
            {
                await _jobs.ReleaseAsync(task.Id, _identity.Instance, CancellationToken.None);
                LogReleased(task.Symbol, task.Start, task.End);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The calendar or the gap scan failed (Alpaca or the database down past their retries):
            // an attempt of every window the batch still holds, scanned or not.
            foreach (var task in claimed.Where(task => lease.IsHeld(task.Id)))
            {
                var window = batch.Windows.FirstOrDefault(window => window.Task.Id == task.Id) ?? new WindowState(new WindowWork(task, [], new HashSet<DateOnly>()));
                await batch.FailAsync(window, ex);
            }
        }
    }

    /// <summary>One batch's windows and what is known about them while it runs.</summary>
    private sealed partial class Batch(BatchBackfiller owner, BatchLease lease, CancellationToken stopping)
    {
        private const string Bars = LedgerDatasets.Bars;

        private Dictionary<(string Dataset, string Symbol, DateOnly Date), List<WindowState>> _remaining = [];

        public List<WindowState> Windows { get; } = [];

        public async Task RunAsync(List<JobTask> claimed)
        {
            var settings = owner._options.Value;
            var (plan, ticks) = await PlanAsync(claimed, settings);

            foreach (var window in Windows) await ReportAsync(window, stopping);
            // Bars first (their requests are the largest), then the tick sessions; all share the fetch slots and the rate budget.
            var requests = plan.Select(item => (Func<CancellationToken, Task>)(token => FetchWithFallbackAsync(item, token)))
                .Concat(ticks.Select(item => (Func<CancellationToken, Task>)(token => FetchTicksAsync(item, token))));
            await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = settings.MaxConcurrentFetches, CancellationToken = stopping },
                async (request, token) => await request(token));

            foreach (var window in Windows.Where(window => window.Open && !window.IsFinished))
            {
                // Not expected: every missing session was in one request. Give it back to be run again.
                owner.LogUnfinished(window.Describe(), window.RemainingCount);
                window.Open = false;
                lease.Release(window.Task.Id);
                await owner._jobs.ReleaseAsync(window.Task.Id, owner._identity.Instance, stopping);
            }
        }

        /// <summary>The calendar, the gap scan of every window and dataset, and the requests for the sessions missing: bars, then ticks.</summary>
        private async Task<(List<FetchItem> Bars, List<TickItem> Ticks)> PlanAsync(List<JobTask> claimed, IngestionOptions settings)
        {
            using var span = IngestionTelemetry.Source.StartActivity("plan");
            IngestionTelemetry.TagSymbols(span, [.. claimed.Select(task => task.Symbol).Distinct(StringComparer.Ordinal)]);
            IngestionTelemetry.TagJobs(span, [.. claimed.Select(task => task.JobId).Distinct()]);
            span?.SetTag(TelemetryTags.Windows, claimed.Count);
            try
            {
                var days = await owner._calendar.GetTradingDaysAsync(claimed.Min(task => task.Start), claimed.Max(task => task.End), stopping);
                var now = owner._time.GetUtcNow();
                var work = new List<WindowWork>();
                foreach (var task in claimed)
                {
                    var sessions = WindowState.SessionsOf(task, days, now);
                    // The gap scan, dataset by dataset: only sessions missing from the ledger are fetched.
                    var missing = new Dictionary<string, IReadOnlySet<DateOnly>>(StringComparer.Ordinal);
                    foreach (var dataset in task.Datasets)
                    {
                        var fetched = await owner._ledger.GetFetchedAsync(task.Symbol, task.Feed, dataset, task.Start, task.End, stopping);
                        missing[dataset] = sessions.Select(day => day.Date).Where(date => !fetched.Contains(date)).ToHashSet();
                    }
                    work.Add(new WindowWork(task, sessions, missing.GetValueOrDefault(Bars) ?? new HashSet<DateOnly>())
                    {
                        TicksMissing = missing.Where(pair => pair.Key != Bars).ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal),
                    });
                }
                Windows.AddRange(work.Select(window => new WindowState(window)));
                _remaining = WindowState.IndexRemaining(Windows);

                var plan = FetchPlanner.Plan(work, days, settings.MaxConcurrentFetches, owner._alpaca.PageSize);
                var ticks = TickPlanner.Plan(work);
                var remaining = Windows.Sum(window => window.RemainingCount);
                span?.SetTag(TelemetryTags.Sessions, remaining);
                span?.SetTag(TelemetryTags.Requests, plan.Count + ticks.Count);
                owner.LogPlanned(Windows.Count, remaining, plan.Count + ticks.Count, string.Join("; ", plan.Take(8).Select(item => item.ToString()).Concat(ticks.Take(8).Select(item => item.ToString()))));
                return (plan, ticks);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                span.Fail(ex);
                throw;
            }
        }

        /// <summary>
        /// Runs one request. When it fails, its unfetched part is tried again in smaller requests:
        /// symbol by symbol, then a symbol's windows one by one, so a fault fails only the windows
        /// that have it (a symbol Alpaca refuses, a date it cannot serve). The smallest request
        /// that still fails is an attempt of its window.
        /// </summary>
        private async Task FetchWithFallbackAsync(FetchItem item, CancellationToken cancellationToken)
        {
            var pending = new Dictionary<string, Queue<TradingDay>>(StringComparer.Ordinal);
            foreach (var symbol in item.Symbols) pending[symbol] = new Queue<TradingDay>(item.Sessions);
            try
            {
                await FetchAsync(item, pending, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var smaller = Smaller(item, pending);
                if (smaller.Count < 2 && item.Symbols.Count == 1)
                {
                    await FailOwnersAsync(item.Symbols[0], pending[item.Symbols[0]], ex);
                    return;
                }
                owner.LogSplitting(item.ToString(), smaller.Count, ex.Message);
                foreach (var part in smaller) await FetchWithFallbackAsync(part, cancellationToken);
            }
        }

        /// <summary>What is left of a failed request, in smaller requests: one per symbol, or for one symbol one per window.</summary>
        private List<FetchItem> Smaller(FetchItem item, Dictionary<string, Queue<TradingDay>> pending)
        {
            var parts = new List<FetchItem>();
            foreach (var symbol in item.Symbols)
            {
                var left = pending[symbol].Where(day => OwnerOf(symbol, day.Date) is not null).ToList();
                if (left.Count == 0) continue;
                if (item.Symbols.Count > 1)
                {
                    parts.Add(new FetchItem(item.Feed, [symbol], left));
                    continue;
                }
                // A window is a date range, so its sessions are consecutive.
                foreach (var window in left.GroupBy(day => OwnerOf(symbol, day.Date)))
                    parts.Add(new FetchItem(item.Feed, [symbol], [.. window]));
            }
            return parts;
        }

        /// <summary>
        /// Fetches one request page by page (the next page is on its way while this one is stored)
        /// and upserts each. Pages come by symbol, then time: a symbol followed by another is whole,
        /// and so is every session of the current symbol before its latest bar. Those go into the
        /// ledger at once, so a crash loses at most the pages in flight.
        /// </summary>
        private async Task FetchAsync(FetchItem item, Dictionary<string, Queue<TradingDay>> pending, CancellationToken cancellationToken)
        {
            await owner._slots.WaitAsync(cancellationToken);
            var key = Guid.NewGuid().ToString("N");
            owner._status.BeginTask(key, item.ToString());
            using var scope = owner._logger.BeginWorkScope(symbol: item.Symbols.Count == 1 ? item.Symbols[0] : null, stage: "fetch");
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var request = StartFetch(item);
            var home = Activity.Current;
            // The span of the page asked for and not yet stored: each page's span runs from asking
            // for it to storing it, so the Alpaca call of the next page (asked for while this one
            // is stored) is its own page's child, not this one's.
            Activity? asked = null;
            try
            {
                var now = owner._time.GetUtcNow();
                var perSession = new Dictionary<(string, DateOnly), int>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                await using var pages = owner._alpaca.GetBarPagesAsync(owner.RequestFor(item, now), stop.Token).GetAsyncEnumerator(stop.Token);
                asked = StartPage(item, 1, request);
                var next = pages.MoveNextAsync().AsTask();
                Activity.Current = home;
                try
                {
                    while (await next)
                    {
                        var page = pages.Current;
                        using var stored = asked;
                        stored?.SetTag(TelemetryTags.Bars, page.Bars.Count);
                        asked = null;
                        // Fetch the next page while this one is stored: the request, not the database, sets the pace.
                        if (page.IsLast) next = Task.FromResult(false);
                        else
                        {
                            asked = StartPage(item, page.Number + 1, request);
                            next = pages.MoveNextAsync().AsTask();
                            Activity.Current = home;
                        }
                        if (!AnyOpen(item, pending))
                        {
                            owner.LogNothingHeld(item.ToString());
                            return;
                        }
                        owner._status.UpdateTask(key, $"{item} page {page.Number}", null);
                        owner._status.Count("pages_fetched");
                        Activity.Current = stored ?? home;
                        try
                        {
                            await StorePageAsync(item, page, pending, seen, perSession, now, cancellationToken);
                        }
                        catch (Exception ex) when (ex is not OperationCanceledException)
                        {
                            stored.Fail(ex);
                            // The next page, already asked for, is abandoned, not failed.
                            asked?.Dispose();
                            asked = null;
                            throw;
                        }
                        finally
                        {
                            Activity.Current = home;
                        }
                    }
                }
                finally
                {
                    await stop.CancelAsync();
                    try
                    {
                        await next;
                    }
                    catch (Exception)
                    {
                        // The page after the last one stored, abandoned: whatever it ran into
                        // matters no more than the reason this request stopped.
                    }
                }
                // The rest of the request ended with the last page (or had no bars at all).
                await RecordWholeAsync(item.Feed, pending.ToDictionary(pair => pair.Key, pair => Drain(pair.Value, _ => true)), perSession, now);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A page that failed to arrive fails its own span; the request's span says why it stopped.
                asked.Fail(ex);
                request.Fail(ex);
                throw;
            }
            finally
            {
                asked?.Dispose();
                owner._status.EndTask(key);
                owner._slots.Release();
            }
        }

        /// <summary>The span of one request: its symbols, sessions and the jobs whose windows it serves.</summary>
        private Activity? StartFetch(FetchItem item)
        {
            var span = IngestionTelemetry.Source.StartActivity("fetch");
            if (span is null) return null;
            IngestionTelemetry.TagSymbols(span, item.Symbols);
            IngestionTelemetry.TagJobs(span, [.. item.Symbols
                .SelectMany(symbol => item.Sessions.SelectMany(day => _remaining.GetValueOrDefault((Bars, symbol, day.Date)) ?? []))
                .Select(window => window.Task.JobId).Distinct()]);
            span.SetTag(TelemetryTags.Feed, item.Feed);
            span.SetTag(TelemetryTags.Sessions, item.Sessions.Count);
            return span;
        }

        private static Activity? StartPage(FetchItem item, int number, Activity? request)
        {
            var span = IngestionTelemetry.Source.StartActivity("fetch page", ActivityKind.Internal, request?.Context ?? default);
            if (span is null) return null;
            IngestionTelemetry.TagSymbols(span, item.Symbols);
            span.SetTag(TelemetryTags.Feed, item.Feed);
            span.SetTag(TelemetryTags.Page, number);
            return span;
        }

        private async Task StorePageAsync(FetchItem item, BarPage page, Dictionary<string, Queue<TradingDay>> pending, HashSet<string> seen,
            Dictionary<(string, DateOnly), int> perSession, DateTimeOffset now, CancellationToken cancellationToken)
        {
            var touched = new HashSet<WindowState>();
            foreach (var run in page.Bars.GroupBy(item => item.Symbol.Value))
            {
                var symbol = run.Key;
                seen.Add(symbol);
                var dated = run.Select(entry => (Bar: entry.Bar, Date: NewYorkTime.DateOf(entry.Bar.Timestamp))).ToList();
                foreach (var (_, date) in dated) perSession[(symbol, date)] = perSession.GetValueOrDefault((symbol, date)) + 1;

                // Each window stores its own bars, so its counts are exact; bars of a window no
                // longer held (cancelled, taken over, failed) are not stored.
                foreach (var slice in dated.GroupBy(entry => OwnerOf(symbol, entry.Date)))
                {
                    if (slice.Key is not { } window) continue;
                    var sliceBars = slice.Select(entry => entry.Bar).ToList();
                    UpsertResult upserted;
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        upserted = await UpsertAsync(run.First().Symbol, item.Feed, window.Task, sliceBars, cancellationToken);
                    }
                    catch (BarValidationException ex)
                    {
                        await FailAsync(window, ex);
                        continue;
                    }
                    await window.Gate.WaitAsync(cancellationToken);
                    try
                    {
                        window.Totals += upserted;
                        owner._status.Count("bars_inserted", upserted.Inserted);
                        owner._status.Count("bars_corrected", upserted.Corrected);
                    }
                    finally
                    {
                        window.Gate.Release();
                    }
                    touched.Add(window);
                    owner.LogPagePersisted(page.Number, symbol, sliceBars.Count, upserted.Inserted, upserted.Corrected, upserted.Unchanged, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    await owner.PublishIngestedAsync(window.Task, item.Feed, sliceBars, upserted, cancellationToken);
                }
            }

            // Whole sessions: every symbol the pages moved past, and the current one's days before its latest bar.
            var whole = new Dictionary<string, List<TradingDay>>(StringComparer.Ordinal);
            if (page.Bars.Count > 0)
            {
                var last = page.Bars[^1];
                var lastDate = NewYorkTime.DateOf(last.Bar.Timestamp);
                foreach (var symbol in seen.Where(symbol => symbol != last.Symbol.Value)) whole[symbol] = Drain(pending[symbol], _ => true);
                whole[last.Symbol.Value] = Drain(pending[last.Symbol.Value], day => day.Date < lastDate);
            }
            touched.UnionWith(await RecordWholeAsync(item.Feed, whole, perSession, now, report: false));
            foreach (var window in touched) await ReportAsync(window, cancellationToken);
        }

        /// <summary>Upserts a window's bars of one page under a span of its own, and counts them.</summary>
        private async Task<UpsertResult> UpsertAsync(MarketData.Domain.Symbol symbol, string feed, JobTask task, List<MarketData.Domain.Bar> bars, CancellationToken cancellationToken)
        {
            using var span = IngestionTelemetry.Source.StartActivity("upsert");
            span?.SetTag(TelemetryTags.Symbol, symbol.Value);
            span?.SetTag(TelemetryTags.JobId, task.JobId.ToString());
            span?.SetTag(TelemetryTags.Feed, feed);
            span?.SetTag(TelemetryTags.Bars, bars.Count);
            try
            {
                UpsertResult upserted;
                using (owner._logger.BeginWorkScope(symbol: symbol.Value, stage: "persist"))
                    upserted = await owner._bars.UpsertAsync(symbol, feed, bars, cancellationToken);
                IngestionTelemetry.TagUpserted(span, upserted);
                IngestionTelemetry.CountStored(upserted);
                return upserted;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                span.Fail(ex);
                throw;
            }
        }

        /// <summary>
        /// Puts whole sessions into the ledger (today's, still trading, is fetched as far as it has
        /// gone but not recorded, so the next backfill picks up the rest) and counts them done in
        /// the windows that needed them; a window with none left is complete.
        /// </summary>
        private async Task<HashSet<WindowState>> RecordWholeAsync(string feed, Dictionary<string, List<TradingDay>> whole,
            Dictionary<(string, DateOnly), int> perSession, DateTimeOffset now, bool report = true)
        {
            var touched = new HashSet<WindowState>();
            foreach (var (symbol, days) in whole)
            {
                var held = days.Where(day => OwnerOf(symbol, day.Date) is not null).ToList();
                if (held.Count == 0) continue;
                var complete = held.Where(day => day.SessionCloseUtc <= now)
                    .ToDictionary(day => day.Date, day => perSession.GetValueOrDefault((symbol, day.Date)));
                using (var span = IngestionTelemetry.Source.StartActivity("ledger"))
                using (owner._logger.BeginWorkScope(symbol: symbol, stage: "ledger"))
                {
                    span?.SetTag(TelemetryTags.Symbol, symbol);
                    span?.SetTag(TelemetryTags.Feed, feed);
                    span?.SetTag(TelemetryTags.Sessions, complete.Count);
                    try
                    {
                        await owner._ledger.RecordAsync(symbol, feed, complete, stopping);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        span.Fail(ex);
                        throw;
                    }
                }
                foreach (var day in held)
                {
                    foreach (var window in _remaining[(Bars, symbol, day.Date)].Where(window => window.Open))
                    {
                        await window.Gate.WaitAsync(stopping);
                        try
                        {
                            window.Finish(Bars, day.Date);
                        }
                        finally
                        {
                            window.Gate.Release();
                        }
                        touched.Add(window);
                    }
                }
            }
            if (report)
            {
                foreach (var window in touched) await ReportAsync(window, stopping);
            }
            return touched;
        }

        /// <summary>Writes a window's progress, or completes it when nothing is left; a window found no longer held stops.</summary>
        private async Task ReportAsync(WindowState window, CancellationToken cancellationToken)
        {
            await window.Gate.WaitAsync(cancellationToken);
            try
            {
                if (!window.Open) return;
                var task = window.Task;
                if (window.IsFinished)
                {
                    window.Open = false;
                    lease.Release(task.Id);
                    // Not cancellable: the lease is already let go, so a pause landing here must not
                    // leave the window running under this instance until the lease lapses.
                    var done = await owner._jobs.CompleteTaskAsync(task.Id, owner._identity.Instance, window.SessionsTotal, window.Totals.Inserted, window.Totals.Corrected,
                        window.Ticks, CancellationToken.None);
                    if (done is null) return;
                    owner.LogWindowDone(window.Describe(), window.Totals.Inserted, window.Totals.Corrected, window.Ticks.Trades, window.Ticks.Quotes);
                    owner._status.Count("windows_done");
                    await owner._outcomes.PublishProgressAsync(done, cancellationToken);
                    if (done.Status == JobStatus.Succeeded) await owner.CompleteJobAsync(done, cancellationToken);
                    return;
                }
                var job = await owner._jobs.UpdateTaskProgressAsync(task.Id, owner._identity.Instance, window.SessionsTotal, window.SessionsDone,
                    window.Totals.Inserted, window.Totals.Corrected, window.Ticks, cancellationToken);
                if (job is null)
                {
                    // Cancelled, or taken over after the lease lapsed: whoever holds it now carries on.
                    window.Open = false;
                    lease.Release(task.Id);
                    owner.LogLost(window.Describe());
                    return;
                }
                await owner._outcomes.PublishProgressAsync(job, cancellationToken);
            }
            finally
            {
                window.Gate.Release();
            }
        }

        /// <summary>The open windows that still need a symbol's pending sessions fail this attempt with the reason.</summary>
        private async Task FailOwnersAsync(string symbol, IEnumerable<TradingDay> pending, Exception exception)
        {
            var owners = pending.SelectMany(day => _remaining.GetValueOrDefault((Bars, symbol, day.Date)) ?? []).Where(window => window.Open).Distinct().ToList();
            foreach (var window in owners) await FailAsync(window, exception);
        }

        /// <summary>
        /// Records a failed attempt of a window. Bad keys, an unknown symbol, a plan without the
        /// feed, a request Alpaca refuses: no retry can mend those, the window fails at once with
        /// Alpaca's words. Anything else (Alpaca or the database down past their own retries, bars
        /// that fail validation) is tried again after a back-off, until the attempts are used up.
        /// </summary>
        public async Task FailAsync(WindowState window, Exception exception)
        {
            await window.Gate.WaitAsync(CancellationToken.None);
            try
            {
                if (!window.Open) return;
                window.Open = false;
                lease.Release(window.Task.Id);
                await owner._outcomes.RecordFailureAsync(window.Task, exception);
            }
            finally
            {
                window.Gate.Release();
            }
        }

        /// <summary>The window a symbol's session of bars is stored for: the first open one this agent still holds that needs it.</summary>
        private WindowState? OwnerOf(string symbol, DateOnly date) => OwnerOf(Bars, symbol, date);

        /// <summary>The window a symbol's session of a dataset is stored for: the first open one this agent still holds that needs it.</summary>
        private WindowState? OwnerOf(string dataset, string symbol, DateOnly date) =>
            _remaining.TryGetValue((dataset, symbol, date), out var windows)
                ? windows.FirstOrDefault(window => window.Open && lease.IsHeld(window.Task.Id))
                : null;

        private bool AnyOpen(FetchItem item, Dictionary<string, Queue<TradingDay>> pending) =>
            item.Symbols.Any(symbol => pending[symbol].Any(day => OwnerOf(symbol, day.Date) is not null));

        private static List<TradingDay> Drain(Queue<TradingDay> pending, Func<TradingDay, bool> predicate)
        {
            var taken = new List<TradingDay>();
            while (pending.TryPeek(out var day) && predicate(day)) taken.Add(pending.Dequeue());
            return taken;
        }
    }

    /// <summary>The bars request for an item: from its first session's open to its last one's close, or the last finished minute today.</summary>
    private BarsRequest RequestFor(FetchItem item, DateTimeOffset now)
    {
        var from = item.Sessions[0].SessionOpenUtc;
        // Alpaca's end is inclusive: stop at the last minute of the run, or the last finished minute today.
        var to = item.Sessions[^1].SessionCloseUtc.AddMinutes(-1);
        var lastFinishedMinute = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero).AddMinutes(-1);
        if (to > lastFinishedMinute) to = lastFinishedMinute;
        return new BarsRequest([.. item.Symbols.Select(MarketData.Domain.Symbol.Parse)], MarketData.Domain.BarInterval.OneMinute, from, to) { Feed = item.Feed };
    }

    private async Task PublishIngestedAsync(JobTask task, string feed, List<MarketData.Domain.Bar> stored, UpsertResult upserted, CancellationToken cancellationToken)
    {
        if (upserted.Inserted + upserted.Corrected == 0) return;
        var sessions = stored.Select(bar => NewYorkTime.DateOf(bar.Timestamp)).Distinct().ToList();
        await _bus.Publish(new BarsIngested(task.Symbol, feed, stored[0].Timestamp, stored[^1].Timestamp,
            upserted.Inserted, upserted.Corrected, sessions, task.JobId), cancellationToken);
    }

    /// <summary>
    /// Announces a job that succeeded, then queues a refresh of its symbols' corporate actions from
    /// its start to today (those not refreshed over that range lately), so the bars it stored can be read adjusted. A refresh that cannot be
    /// queued now is only logged: the next backfill of those symbols, or a refresh asked of the
    /// gateway, brings the actions.
    /// </summary>
    private async Task CompleteJobAsync(Job job, CancellationToken cancellationToken)
    {
        await _outcomes.PublishCompletedAsync(job, cancellationToken);
        try
        {
            await _corporateActions.QueueStaleAsync(job.Symbols, job.Start, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRefreshNotQueued(job.Id, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch of {Messages} windows: {Claimed} claimed (the rest are done, held by another agent, waiting for a retry, or their job finished)")]
    private partial void LogClaimed(int messages, int claimed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Gap scan of {Windows} windows: {Missing} sessions to fetch (counted per dataset) in {Requests} requests: {Plan}")]
    private partial void LogPlanned(int windows, int missing, int requests, string plan);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} succeeded but the refresh of its corporate actions could not be queued: {Reason}")]
    private partial void LogRefreshNotQueued(Guid jobId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Page {Page} {Symbol}: {Count} bars persisted ({Inserted} inserted, {Corrected} corrected, {Unchanged} unchanged) in {ElapsedMs:0} ms")]
    private partial void LogPagePersisted(int page, string symbol, int count, int inserted, int corrected, int unchanged, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Window {Window} done: {Inserted} bars inserted, {Corrected} corrected; {Trades} trades and {Quotes} quotes inserted")]
    private partial void LogWindowDone(string window, int inserted, int corrected, long trades, long quotes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {Request} failed ({Reason}); fetching the rest in {Parts} smaller requests")]
    private partial void LogSplitting(string request, int parts, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Request {Request} stops: none of its windows is still ours")]
    private partial void LogNothingHeld(string request);

    [LoggerMessage(Level = LogLevel.Information, Message = "Window {Window} is no longer ours (its job was cancelled, or another agent took it over): stopping work on it")]
    private partial void LogLost(string window);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Window {Window} ended with {Sessions} sessions unfetched; it goes back to the queue")]
    private partial void LogUnfinished(string window, int sessions);

    [LoggerMessage(Level = LogLevel.Information, Message = "Paused or stopping: window {Symbol} {Start}..{End} goes back to the queue")]
    private partial void LogReleased(string symbol, DateOnly start, DateOnly end);

    [LoggerMessage(Level = LogLevel.Information, Message = "Paused or stopping: {Count} windows handed back unstarted, to be sent again")]
    private partial void LogHandedBack(int count);
}
