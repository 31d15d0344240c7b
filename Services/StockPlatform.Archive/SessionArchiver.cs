using System.Globalization;
using StockPlatform.Archive.Catalog;
using StockPlatform.Archive.Partitions;
using StockPlatform.Archive.Query;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Calendar;
using StockPlatform.Storage.Features;

namespace StockPlatform.Archive;

/// <summary>
/// Archives completed sessions: a symbol's stored minutes of one trading day (the extended session,
/// 04:00 to 20:00 New York time) become that day's partition (or, with month partitioning, that
/// day's rows in the symbol's month file), recorded in <c>archive_partitions</c>; archiving a
/// session again (after corrections) replaces its rows.
/// </summary>
public sealed class SessionArchiver(BarStore bars, FeatureStore features, CalendarStore calendar, ArchivePartitionStore partitions, ArchiveCatalog catalog, ArchiveLayout layout, TimeProvider time)
{
    public const string BarsDataset = "bars";

    /// <summary>The granularity bars are archived in (<see cref="ArchiveOptions.Partitioning"/>).</summary>
    public BarPartitioning BarPartitioning => layout.BarPartitioning;

    /// <summary>The index's dataset name of trades partitions (<see cref="TickArchiver"/>).</summary>
    public const string TradesDataset = "trades";

    /// <summary>The index's dataset name of quotes partitions (<see cref="TickArchiver"/>).</summary>
    public const string QuotesDataset = "quotes";

    /// <summary>The index's dataset names of feature partitions start with this (<c>features:core:1</c>).</summary>
    public const string FeaturesDataset = "features";

    /// <summary>The index's dataset name of one feature set version's partitions.</summary>
    public static string FeaturesDatasetOf(string featureSet, int version) => string.Create(CultureInfo.InvariantCulture, $"{FeaturesDataset}:{featureSet}:{version}");

    /// <summary>
    /// Writes the partition of <paramref name="symbol"/>'s session on <paramref name="session"/> in
    /// the layout's <see cref="ArchiveLayout.BarPartitioning"/>; null when the day is not a trading
    /// day. In month mode the result's path, bytes and checksum are the month file's, its rows and
    /// time range the session's.
    /// </summary>
    public async Task<WrittenPartition?> ArchiveAsync(Symbol symbol, DateOnly session, CancellationToken cancellationToken = default) =>
        (await ArchiveAsync(symbol, [session], cancellationToken)).SingleOrDefault();

    /// <summary>
    /// Writes the partitions of <paramref name="symbol"/>'s <paramref name="sessions"/> (those that
    /// are trading days, each an error while it has not ended), one result per session in date
    /// order. In month mode each month file is rewritten once for all its sessions given, so a
    /// backfill of a year costs twelve rewrites per symbol, not one per session.
    /// </summary>
    public async Task<IReadOnlyList<WrittenPartition>> ArchiveAsync(Symbol symbol, IEnumerable<DateOnly> sessions, CancellationToken cancellationToken = default)
    {
        var days = new List<TradingDay>();
        foreach (var session in sessions.Distinct().Order())
        {
            if (await CompletedSessionAsync(session, cancellationToken) is { } day) days.Add(day);
        }
        var written = new List<WrittenPartition>(days.Count);
        if (layout.BarPartitioning == BarPartitioning.Month)
        {
            foreach (var month in days.GroupBy(day => (day.Date.Year, day.Date.Month)))
                written.AddRange(await ArchiveMonthAsync(symbol, [.. month], cancellationToken));
        }
        else
        {
            foreach (var day in days) written.Add(await ArchiveDayAsync(symbol, day, cancellationToken));
        }
        return written;
    }

    private async Task<WrittenPartition> ArchiveDayAsync(Symbol symbol, TradingDay day, CancellationToken cancellationToken)
    {
        var session = day.Date;
        var minutes = await HotMinutes.ReadByDayAsync(bars, symbol, day.SessionOpenUtc, day.SessionCloseUtc, cancellationToken);
        var sessionMinutes = minutes.GetValueOrDefault(session) ?? [];

        // Past the hot store's retention the session may live on in its partition only, with a
        // correction or two in the hot store since: write the two merged, never the hot part alone.
        // Its partition may be a month file (the archive was switched back to day files).
        var path = layout.BarsDayPartition(symbol.Value, session);
        var existing = (await partitions.ListAsync(BarsDataset, symbol.Value, session, cancellationToken)).FirstOrDefault();
        var existingPath = existing is null ? null : Path.Combine(layout.Root, existing.Path);
        if (existing is not null && existing.Rows > sessionMinutes.Count && File.Exists(existingPath))
        {
            await using var duck = await catalog.OpenSandboxedAsync(cancellationToken);
            var archived = await ArchivedMinutes.ReadByDayAsync(duck, [existingPath], cancellationToken, day.SessionOpenUtc, day.SessionCloseUtc);
            sessionMinutes = ArchivedMinutes.Merge(archived.GetValueOrDefault(session) ?? [], sessionMinutes);
        }
        var written = await BarParquetWriter.WriteAsync(path, symbol.Value, sessionMinutes, cancellationToken) with { RowsSha256 = SessionChecksum.Of(sessionMinutes) };
        await partitions.RecordAsync(BarsDataset, symbol.Value, session, layout.Relative(path), written, cancellationToken);
        // The month file still holds the session: without it there, the view shows the new day file
        // (it prefers a month file's copy of a session found in both).
        if (existing is { InMonthFile: true }) await RemoveFromMonthAsync(symbol, session, existing.Path, cancellationToken);
        await catalog.EnsureViewsAsync(cancellationToken);
        return written;
    }

    /// <summary>
    /// Rewrites the month file of <paramref name="days"/> (one month's) as the month's archived
    /// sessions plus these: each session's minutes from the hot store while it holds them all, else
    /// the archived ones (from the month file, or a day file written before the switch to month
    /// files) with the hot store's corrections over them. Day files it takes in are deleted once
    /// the month file and the index name the sessions.
    /// </summary>
    private async Task<IReadOnlyList<WrittenPartition>> ArchiveMonthAsync(Symbol symbol, List<TradingDay> days, CancellationToken cancellationToken)
    {
        var path = layout.BarsMonthPartition(symbol.Value, days[0].Date);
        var relative = layout.Relative(path);
        await using var _ = await partitions.LockFileAsync(relative, cancellationToken);

        var (monthStart, monthEnd) = (new DateOnly(days[0].Date.Year, days[0].Date.Month, 1), new DateOnly(days[0].Date.Year, days[0].Date.Month, 1).AddMonths(1).AddDays(-1));
        var recorded = (await partitions.ListAsync(BarsDataset, symbol.Value, monthStart, monthEnd, cancellationToken)).ToDictionary(p => p.Session);
        var fresh = days.Select(day => day.Date).ToHashSet();
        var calendarDays = (await calendar.GetTradingDaysAsync(monthStart, monthEnd, cancellationToken)).ToDictionary(day => day.Date);
        var sessions = recorded.Keys.Union(fresh).Where(calendarDays.ContainsKey).Order().ToList();
        var hot = await HotMinutes.ReadByDayAsync(bars, symbol, calendarDays[sessions[0]].SessionOpenUtc, calendarDays[sessions[^1]].SessionCloseUtc, cancellationToken);

        // Archived minutes are read only for sessions the hot store no longer holds whole (retention).
        var fromFiles = recorded.Values.Where(p => p.Rows > (hot.GetValueOrDefault(p.Session)?.Count ?? 0)).ToList();
        var readable = fromFiles.Select(p => Path.Combine(layout.Root, p.Path)).Where(File.Exists).Distinct().ToList();
        var archived = new Dictionary<DateOnly, List<StoredBar>>();
        if (readable.Count > 0)
        {
            await using var duck = await catalog.OpenSandboxedAsync(cancellationToken);
            archived = await ArchivedMinutes.ReadByDayAsync(duck, readable, cancellationToken);
        }

        var rows = new List<StoredBar>();
        var written = new List<RecordedSession>();
        foreach (var session in sessions)
        {
            var hotMinutes = hot.GetValueOrDefault(session) ?? [];
            List<StoredBar> minutes = hotMinutes;
            if (recorded.TryGetValue(session, out var partition) && partition.Rows > hotMinutes.Count)
            {
                if (readable.Contains(Path.Combine(layout.Root, partition.Path))) minutes = ArchivedMinutes.Merge(archived.GetValueOrDefault(session) ?? [], hotMinutes);
                // Another session whose file is gone and whose minutes the hot store lost: left out,
                // its index row untouched, so verification keeps reporting the loss.
                else if (!fresh.Contains(session)) continue;
            }
            rows.AddRange(minutes);
            written.Add(new RecordedSession(session, minutes.Count, minutes.Count > 0 ? minutes[0].Timestamp : null, minutes.Count > 0 ? minutes[^1].Timestamp : null, SessionChecksum.Of(minutes)));
        }

        var file = await BarParquetWriter.WriteMonthAsync(path, symbol.Value, rows, cancellationToken);
        await partitions.RecordFileAsync(BarsDataset, symbol.Value, relative, file, written, cancellationToken);

        // Day files of sessions now in the month file: the views are remade without them first, so
        // no reader meets a view over a glob that has just lost its last file.
        var superseded = written.Where(w => recorded.TryGetValue(w.Session, out var p) && p.Path != relative)
            .Select(w => Path.Combine(layout.Root, recorded[w.Session].Path)).Where(File.Exists).ToHashSet();
        await catalog.EnsureViewsAsync(superseded, cancellationToken);
        foreach (var day in superseded) DeleteWithEmptyFolder(day);

        return [.. written.Where(w => fresh.Contains(w.Session)).Select(w => new WrittenPartition(path, w.Rows, w.First, w.Last, file.Bytes, file.Sha256, w.RowsSha256))];
    }

    /// <summary>Takes <paramref name="session"/> out of its month file (now in a day file), deleting the file when nothing else is left in it.</summary>
    private async Task RemoveFromMonthAsync(Symbol symbol, DateOnly session, string relative, CancellationToken cancellationToken)
    {
        var path = Path.Combine(layout.Root, relative);
        await using var _ = await partitions.LockFileAsync(relative, cancellationToken);
        var monthStart = new DateOnly(session.Year, session.Month, 1);
        var others = (await partitions.ListAsync(BarsDataset, symbol.Value, monthStart, monthStart.AddMonths(1).AddDays(-1), cancellationToken))
            .Where(p => p.Path == relative && p.Session != session).ToList();
        if (!File.Exists(path)) return;
        if (others.Count == 0)
        {
            await catalog.EnsureViewsAsync(new HashSet<string> { path }, cancellationToken);
            DeleteWithEmptyFolder(path);
            return;
        }
        Dictionary<DateOnly, List<StoredBar>> archived;
        await using (var duck = await catalog.OpenSandboxedAsync(cancellationToken))
            archived = await ArchivedMinutes.ReadByDayAsync(duck, [path], cancellationToken);
        var kept = others.Select(p => (p.Session, Minutes: archived.GetValueOrDefault(p.Session) ?? [])).ToList();
        var file = await BarParquetWriter.WriteMonthAsync(path, symbol.Value, [.. kept.SelectMany(k => k.Minutes)], cancellationToken);
        await partitions.RecordFileAsync(BarsDataset, symbol.Value, relative, file,
            [.. kept.Select(k => new RecordedSession(k.Session, k.Minutes.Count, k.Minutes.Count > 0 ? k.Minutes[0].Timestamp : null, k.Minutes.Count > 0 ? k.Minutes[^1].Timestamp : null, SessionChecksum.Of(k.Minutes)))],
            cancellationToken);
    }

    private static void DeleteWithEmptyFolder(string file)
    {
        File.Delete(file);
        var folder = Path.GetDirectoryName(file)!;
        if (!Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
    }

    /// <summary>
    /// Writes the partition of a feature set version for <paramref name="symbol"/>'s session: the
    /// rows of every interval whose bars start on that New York date. Null when the day is not a trading day.
    /// </summary>
    public async Task<WrittenPartition?> ArchiveFeaturesAsync(Symbol symbol, DateOnly session, string featureSet, int version, IReadOnlyList<string> columns, IReadOnlyList<string> intervals, CancellationToken cancellationToken = default)
    {
        if (await CompletedSessionAsync(session, cancellationToken) is null) return null;
        var (start, end) = (NewYorkTime.StartOfDay(session), NewYorkTime.StartOfDay(session.AddDays(1)));
        var parts = new List<FeatureRowsOfInterval>(intervals.Count);
        foreach (var interval in intervals)
            parts.Add(new(interval, await features.ReadAsync(new FeatureSeriesKey(symbol.Value, featureSet, version, interval), start, end, 24 * 60, cancellationToken: cancellationToken)));

        var path = layout.FeaturesPartition(featureSet, version, symbol.Value, session);
        var written = await FeatureParquetWriter.WriteAsync(path, columns, parts, cancellationToken);
        await partitions.RecordAsync(FeaturesDatasetOf(featureSet, version), symbol.Value, session, layout.Relative(path), written, cancellationToken);
        await catalog.EnsureViewsAsync(cancellationToken);
        return written;
    }

    private Task<TradingDay?> CompletedSessionAsync(DateOnly session, CancellationToken cancellationToken) =>
        CompletedSessionAsync(calendar, time, session, cancellationToken);

    /// <summary>The trading day of <paramref name="session"/>; null when it is none, an error while it has not ended.</summary>
    internal static async Task<TradingDay?> CompletedSessionAsync(CalendarStore calendar, TimeProvider time, DateOnly session, CancellationToken cancellationToken)
    {
        var day = (await calendar.GetTradingDaysAsync(session, session, cancellationToken)).SingleOrDefault();
        if (day is null) return null;
        if (day.SessionCloseUtc > time.GetUtcNow())
            throw new InvalidOperationException($"the {session:yyyy-MM-dd} session has not ended; only completed sessions are archived");
        return day;
    }
}
