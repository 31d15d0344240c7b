using System.Diagnostics;
using MassTransit;
using StockPlatform.Archive;
using StockPlatform.Archive.Partitions;
using StockPlatform.Contracts;
using StockPlatform.Features.Calculation;
using StockPlatform.Features.Telemetry;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.ServiceDefaults.Agents;
using StockPlatform.ServiceDefaults.Telemetry;
using StockPlatform.Storage.Calendar;

namespace StockPlatform.Features.Building;

/// <summary>What a refresh of one symbol did.</summary>
public sealed record RefreshResult(int FeatureRows, int BarPartitions, int FeaturePartitions);

/// <summary>
/// Brings one symbol's derived data up to date after its bars changed: recomputes each feature
/// set from the first changed bar on, then archives the completed sessions that changed (the bars
/// of the sessions stored, the features of every session recomputed), announcing each step.
/// </summary>
public sealed partial class SymbolRefresher(
    FeatureBuilder builder,
    SessionArchiver archiver,
    SymbolLocks locks,
    CalendarStore calendar,
    IPublishEndpoint bus,
    AgentStatus status,
    TimeProvider time,
    ILogger<SymbolRefresher> logger)
{
    /// <summary>
    /// Recomputes <paramref name="sets"/> for <paramref name="symbol"/> from <paramref name="changedFrom"/>
    /// (everything when null) and archives <paramref name="barSessions"/> and the recomputed sessions.
    /// <paramref name="progress"/> hears the fraction done.
    /// </summary>
    public Task<RefreshResult> RefreshAsync(Symbol symbol, IReadOnlyList<FeatureSetDefinition> sets, DateTimeOffset? changedFrom,
        IReadOnlyCollection<DateOnly> barSessions, Func<double, Task>? progress = null, CancellationToken cancellationToken = default) =>
        RefreshTracedAsync(symbol, sets, changedFrom, barSessions, default, progress, cancellationToken);

    /// <summary>A refresh under its own span, placed in the traces by <paramref name="trace"/> (under the current span when default).</summary>
    private async Task<RefreshResult> RefreshTracedAsync(Symbol symbol, IReadOnlyList<FeatureSetDefinition> sets, DateTimeOffset? changedFrom,
        IReadOnlyCollection<DateOnly> barSessions, BatchTrace trace, Func<double, Task>? progress, CancellationToken cancellationToken)
    {
        using var span = FeaturesTelemetry.StartRefresh(symbol.Value, changedFrom, trace);
        var key = "refresh " + symbol.Value;
        status.BeginTask(key, $"features of {symbol.Value}");
        try
        {
            var result = await RefreshCoreAsync(symbol, sets, changedFrom, barSessions, progress, cancellationToken);
            span?.SetTag(TelemetryTags.Rows, result.FeatureRows);
            status.Count("refreshes");
            status.Count("feature_rows", result.FeatureRows);
            status.Count("partitions_archived", result.BarPartitions + result.FeaturePartitions);
            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            span.Fail(ex);
            throw;
        }
        finally
        {
            status.EndTask(key);
        }
    }

    private async Task<RefreshResult> RefreshCoreAsync(Symbol symbol, IReadOnlyList<FeatureSetDefinition> sets, DateTimeOffset? changedFrom,
        IReadOnlyCollection<DateOnly> barSessions, Func<double, Task>? progress, CancellationToken cancellationToken)
    {
        using var held = await locks.AcquireAsync(symbol.Value, cancellationToken);
        var now = time.GetUtcNow();
        var rows = 0;
        var steps = sets.Count * FeatureBuilder.Intervals.Length + 1;
        var done = 0;
        var featureSessions = new Dictionary<FeatureSetDefinition, (DateOnly First, DateOnly Last)?>();
        foreach (var set in sets)
        {
            DateOnly? first = null, last = null;
            using (var span = FeaturesTelemetry.StartBuild(symbol.Value, set.Name, set.Version))
            {
                var setRows = 0;
                try
                {
                    await builder.BuildAsync(symbol, set, changedFrom, async built =>
                    {
                        setRows += built.Rows;
                        if (built is { From: { } from, To: { } to })
                        {
                            await bus.Publish(new FeaturesBuilt(symbol.Value, set.Name, set.Version, built.Interval, from, to, built.Rows), cancellationToken);
                            // Daily bars start at midnight; minutes tell the sessions touched.
                            var (a, b) = (NewYorkTime.DateOf(from), NewYorkTime.DateOf(to));
                            first = first is { } f && f < a ? f : a;
                            last = last is { } l && l > b ? l : b;
                        }
                        if (progress is not null) await progress(++done / (double)steps);
                    }, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    span.Fail(ex);
                    throw;
                }
                rows += setRows;
                span?.SetTag(TelemetryTags.Rows, setRows);
            }
            featureSessions[set] = first is { } s && last is { } e ? (s, e) : null;
            LogBuilt(symbol.Value, set.Name, set.Version, changedFrom, first, last);
        }

        var barPartitions = 0;
        var completed = new List<DateOnly>();
        foreach (var session in barSessions.Order())
        {
            if (await IsCompletedAsync(session, now, cancellationToken)) completed.Add(session);
        }
        // Month files are rewritten whole: once per month for all its sessions here, not once per session.
        var batches = archiver.BarPartitioning == BarPartitioning.Month
            ? completed.GroupBy(session => (session.Year, session.Month)).Select(month => month.ToList()).ToList()
            : [.. completed.Select(session => new List<DateOnly> { session })];
        foreach (var batch in batches)
        {
            IReadOnlyList<WrittenPartition> written = [];
            await ArchiveTracedAsync(symbol, batch[0], SessionArchiver.BarsDataset, async () =>
            {
                written = await archiver.ArchiveAsync(symbol, batch, cancellationToken);
                return written.LastOrDefault();
            });
            // One result per completed session (each a trading day), in date order.
            foreach (var (session, partition) in batch.Zip(written))
            {
                barPartitions++;
                await bus.Publish(new ArchiveWritten(SessionArchiver.BarsDataset, symbol.Value, session, partition.Path, partition.Rows, partition.Bytes), cancellationToken);
            }
        }

        var featurePartitions = 0;
        foreach (var (set, range) in featureSessions)
        {
            if (range is not { } r) continue;
            var intervals = FeatureBuilder.Intervals.Select(i => i.ToString()).ToList();
            foreach (var day in await calendar.GetTradingDaysAsync(r.First, r.Last, cancellationToken))
            {
                if (day.SessionCloseUtc > now) continue;
                if (await ArchiveTracedAsync(symbol, day.Date, SessionArchiver.FeaturesDatasetOf(set.Name, set.Version),
                        () => archiver.ArchiveFeaturesAsync(symbol, day.Date, set.Name, set.Version, set.Columns, intervals, cancellationToken)) is { } written)
                {
                    featurePartitions++;
                    await bus.Publish(new ArchiveWritten(SessionArchiver.FeaturesDatasetOf(set.Name, set.Version), symbol.Value, day.Date, written.Path, written.Rows, written.Bytes), cancellationToken);
                }
            }
        }
        if (progress is not null) await progress(1);
        LogArchived(symbol.Value, barPartitions, featurePartitions);
        return new RefreshResult(rows, barPartitions, featurePartitions);
    }

    /// <summary>
    /// Refreshes each symbol named in a batch of events once, from the earliest bar any of its
    /// events changed, archiving the sessions they stored (symbols that do not parse are skipped:
    /// the agents only store valid ones).
    /// </summary>
    /// <remarks>
    /// A batch holds events of several traces (one per ingest request or stream batch), consumed
    /// in the last one's. Each symbol's refresh goes into the trace of the first event that asked
    /// for it (under the consume span when that is the same trace), linked to the traces of the
    /// symbol's other events.
    /// </remarks>
    public async Task RefreshBatchAsync<T>(IEnumerable<ConsumeContext<T>> events, Func<T, string> symbolOf, Func<T, DateTimeOffset> changedFrom, Func<T, IEnumerable<DateOnly>> sessionsOf, CancellationToken cancellationToken)
        where T : class
    {
        var consuming = Activity.Current?.Context ?? default;
        foreach (var symbol in events.GroupBy(entry => symbolOf(entry.Message), StringComparer.Ordinal))
        {
            if (!Symbol.TryParse(symbol.Key, out var ticker)) continue;
            var trace = MessageTrace.For(consuming, symbol.Select(MessageTrace.ContextOf));
            await RefreshTracedAsync(ticker, FeatureSets.All, symbol.Min(entry => changedFrom(entry.Message)),
                symbol.SelectMany(entry => sessionsOf(entry.Message)).ToHashSet(), trace, null, cancellationToken);
        }
    }

    /// <summary>Writes one partition under an <c>archive session</c> span.</summary>
    private static async Task<WrittenPartition?> ArchiveTracedAsync(Symbol symbol, DateOnly session, string dataset, Func<Task<WrittenPartition?>> write)
    {
        using var span = FeaturesTelemetry.StartArchive(symbol.Value, session, dataset);
        try
        {
            var written = await write();
            FeaturesTelemetry.TagWritten(span, written);
            return written;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            span.Fail(ex);
            throw;
        }
    }

    private async Task<bool> IsCompletedAsync(DateOnly session, DateTimeOffset now, CancellationToken cancellationToken) =>
        (await calendar.GetTradingDaysAsync(session, session, cancellationToken)).SingleOrDefault() is { } day && day.SessionCloseUtc <= now;

    [LoggerMessage(Level = LogLevel.Information, Message = "Features {FeatureSet} v{Version} of {Symbol} recomputed from {ChangedFrom} (sessions {First} to {Last})")]
    private partial void LogBuilt(string symbol, string featureSet, int version, DateTimeOffset? changedFrom, DateOnly? first, DateOnly? last);

    [LoggerMessage(Level = LogLevel.Information, Message = "Archived {Symbol}: {BarPartitions} bar partitions, {FeaturePartitions} feature partitions")]
    private partial void LogArchived(string symbol, int barPartitions, int featurePartitions);
}
