using System.Diagnostics;
using StockPlatform.Contracts;
using StockPlatform.Ingestion.Telemetry;
using StockPlatform.MarketData.Domain;
using StockPlatform.ServiceDefaults.Logging;
using StockPlatform.ServiceDefaults.Telemetry;
using StockPlatform.Storage.Ledger;
using StockPlatform.Storage.Ticks;

namespace StockPlatform.Ingestion.Backfill;

/// <summary>Trades and quotes: one request per symbol, dataset and session (<see cref="TickPlanner"/>), fetched page by page.</summary>
public sealed partial class BatchBackfiller
{
    /// <summary>One page of a tick request: trades or quotes, whichever it asked for.</summary>
    private sealed record TickPage(int Number, bool IsLast, IReadOnlyList<SymbolTrade> Trades, IReadOnlyList<SymbolQuote> Quotes)
    {
        public int Count => Trades.Count + Quotes.Count;
    }

    private sealed partial class Batch
    {
        /// <summary>
        /// Fetches one session of a symbol's trades or quotes and records it in the ledger once it
        /// is stored whole. It is the smallest request there is, so when it fails it is an attempt
        /// of every window that needs that session.
        /// </summary>
        private async Task FetchTicksAsync(TickItem item, CancellationToken cancellationToken)
        {
            if (OwnerOf(item.Dataset, item.Symbol, item.Session.Date) is null) return;
            try
            {
                await FetchSessionAsync(item, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                foreach (var window in NeedersOf(item)) await FailAsync(window, ex);
            }
        }

        /// <summary>
        /// Every page of the session, each stored as it comes (the next one on its way meanwhile)
        /// and counted in the window that needs it, then the ledger: a crash loses at most the
        /// session in hand, which a re-run fetches again and stores without duplicates.
        /// </summary>
        private async Task FetchSessionAsync(TickItem item, CancellationToken cancellationToken)
        {
            await owner._slots.WaitAsync(cancellationToken);
            var key = Guid.NewGuid().ToString("N");
            owner._status.BeginTask(key, item.ToString());
            using var scope = owner._logger.BeginWorkScope(symbol: item.Symbol, stage: "fetch");
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var request = StartTickFetch(item);
            try
            {
                var now = owner._time.GetUtcNow();
                var symbol = Symbol.Parse(item.Symbol);
                // Quotes of one instant are numbered within a batch, so none may be split across two.
                var held = item.Dataset == LedgerDatasets.Quotes ? new QuotePages() : null;
                var rows = 0;
                var last = 0;
                await using (var pages = owner.TickPagesAsync(item, now, stop.Token).GetAsyncEnumerator(stop.Token))
                {
                    var next = pages.MoveNextAsync().AsTask();
                    try
                    {
                        while (await next)
                        {
                            var page = pages.Current;
                            // Fetch the next page while this one is stored: the request, not the database, sets the pace.
                            next = page.IsLast ? Task.FromResult(false) : pages.MoveNextAsync().AsTask();
                            if (OwnerOf(item.Dataset, item.Symbol, item.Session.Date) is not { } window)
                            {
                                owner.LogNothingHeld(item.ToString());
                                return;
                            }
                            owner._status.UpdateTask(key, $"{item} page {page.Number}", null);
                            owner._status.Count("pages_fetched");
                            rows += page.Count;
                            last = page.Number;
                            var quotes = held?.Take([.. page.Quotes.Select(entry => entry.Quote)]) ?? [];
                            await InsertTicksAsync(item, symbol, window, page.Number, page.Trades, quotes, cancellationToken);
                            await ReportAsync(window, cancellationToken);
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
                }
                if (held?.Flush() is { Count: > 0 } rest)
                {
                    if (OwnerOf(item.Dataset, item.Symbol, item.Session.Date) is not { } window)
                    {
                        owner.LogNothingHeld(item.ToString());
                        return;
                    }
                    await InsertTicksAsync(item, symbol, window, last, [], rest, cancellationToken);
                }
                request?.SetTag(TelemetryTags.Rows, rows);
                await RecordTicksWholeAsync(item, rows, now);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                request.Fail(ex);
                throw;
            }
            finally
            {
                owner._status.EndTask(key);
                owner._slots.Release();
            }
        }

        /// <summary>Inserts a page's trades or quotes under a span of its own and counts the new ones in the window.</summary>
        private async Task InsertTicksAsync(TickItem item, Symbol symbol, WindowState window, int page, IReadOnlyList<SymbolTrade> trades,
            IReadOnlyList<Quote> quotes, CancellationToken cancellationToken)
        {
            var count = trades.Count + quotes.Count;
            using var span = IngestionTelemetry.Source.StartActivity("insert");
            span?.SetTag(TelemetryTags.Symbol, item.Symbol);
            span?.SetTag(TelemetryTags.JobId, window.Task.JobId.ToString());
            span?.SetTag(TelemetryTags.Feed, item.Feed);
            span?.SetTag(TelemetryTags.Dataset, item.Dataset);
            span?.SetTag(TelemetryTags.Rows, count);
            try
            {
                var started = Stopwatch.GetTimestamp();
                int inserted;
                using (owner._logger.BeginWorkScope(symbol: item.Symbol, stage: "persist"))
                {
                    inserted = item.Dataset == LedgerDatasets.Trades
                        ? await owner._trades.InsertAsync(trades, item.Feed, cancellationToken)
                        : await owner._quotes.InsertAsync(symbol, item.Feed, quotes, cancellationToken);
                }
                span?.SetTag(TelemetryTags.RowsInserted, inserted);
                IngestionTelemetry.CountTicks(item.Dataset, inserted);
                await window.Gate.WaitAsync(cancellationToken);
                try
                {
                    window.Ticks += item.Dataset == LedgerDatasets.Trades ? new(inserted, 0) : new(0, inserted);
                }
                finally
                {
                    window.Gate.Release();
                }
                owner._status.Count(item.Dataset + "_inserted", inserted);
                owner.LogTicksPersisted(page, item.Symbol, count, item.Dataset, inserted, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                span.Fail(ex);
                throw;
            }
        }

        /// <summary>
        /// Puts a session fetched whole into the ledger (today's, still trading, is fetched as far as
        /// it has gone but not recorded, so the next backfill picks up the rest) and counts it done
        /// in the windows that needed it.
        /// </summary>
        private async Task RecordTicksWholeAsync(TickItem item, int rows, DateTimeOffset now)
        {
            if (OwnerOf(item.Dataset, item.Symbol, item.Session.Date) is null) return;
            if (item.Session.SessionCloseUtc <= now)
            {
                using var span = IngestionTelemetry.Source.StartActivity("ledger");
                using var scope = owner._logger.BeginWorkScope(symbol: item.Symbol, stage: "ledger");
                span?.SetTag(TelemetryTags.Symbol, item.Symbol);
                span?.SetTag(TelemetryTags.Feed, item.Feed);
                span?.SetTag(TelemetryTags.Dataset, item.Dataset);
                span?.SetTag(TelemetryTags.Sessions, 1);
                try
                {
                    await owner._ledger.RecordAsync(item.Symbol, item.Feed, item.Dataset, new Dictionary<DateOnly, int> { [item.Session.Date] = rows }, stopping);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    span.Fail(ex);
                    throw;
                }
                // The day is whole: the feature agent archives its partition (bars go the same way through BarsIngested).
                var job = NeedersOf(item).Select(window => (Guid?)window.Task.JobId).FirstOrDefault();
                await owner._bus.Publish(new TicksIngested(job, item.Symbol, item.Session.Date, item.Dataset, rows), stopping);
            }
            foreach (var window in NeedersOf(item))
            {
                await window.Gate.WaitAsync(stopping);
                try
                {
                    window.Finish(item.Dataset, item.Session.Date);
                }
                finally
                {
                    window.Gate.Release();
                }
                await ReportAsync(window, stopping);
            }
        }

        /// <summary>The open windows that need the session of the item.</summary>
        private List<WindowState> NeedersOf(TickItem item) =>
            [.. (_remaining.GetValueOrDefault((item.Dataset, item.Symbol, item.Session.Date)) ?? []).Where(window => window.Open)];

        /// <summary>The span of one tick request: its symbol, dataset, session and the jobs whose windows it serves.</summary>
        private Activity? StartTickFetch(TickItem item)
        {
            var span = IngestionTelemetry.Source.StartActivity("fetch");
            if (span is null) return null;
            span.SetTag(TelemetryTags.Symbol, item.Symbol);
            span.SetTag(TelemetryTags.Dataset, item.Dataset);
            span.SetTag(TelemetryTags.Feed, item.Feed);
            span.SetTag(TelemetryTags.Session, item.Session.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            IngestionTelemetry.TagJobs(span, [.. NeedersOf(item).Select(window => window.Task.JobId).Distinct()]);
            return span;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Page {Page} {Symbol}: {Count} {Dataset} persisted ({Inserted} inserted) in {ElapsedMs:0} ms")]
    private partial void LogTicksPersisted(int page, string symbol, int count, string dataset, int inserted, double elapsedMs);
}
