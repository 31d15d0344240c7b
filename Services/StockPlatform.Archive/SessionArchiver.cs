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
/// 04:00 to 20:00 New York time) become that day's partition, recorded in <c>archive_partitions</c>;
/// archiving a session again (after corrections) replaces its partition.
/// </summary>
public sealed class SessionArchiver(BarStore bars, FeatureStore features, CalendarStore calendar, ArchivePartitionStore partitions, ArchiveCatalog catalog, ArchiveLayout layout, TimeProvider time)
{
    public const string BarsDataset = "bars";

    /// <summary>The index's dataset name of trades partitions (<see cref="TickArchiver"/>).</summary>
    public const string TradesDataset = "trades";

    /// <summary>The index's dataset name of quotes partitions (<see cref="TickArchiver"/>).</summary>
    public const string QuotesDataset = "quotes";

    /// <summary>The index's dataset names of feature partitions start with this (<c>features:core:1</c>).</summary>
    public const string FeaturesDataset = "features";

    /// <summary>The index's dataset name of one feature set version's partitions.</summary>
    public static string FeaturesDatasetOf(string featureSet, int version) => string.Create(CultureInfo.InvariantCulture, $"{FeaturesDataset}:{featureSet}:{version}");

    /// <summary>Writes the partition of <paramref name="symbol"/>'s session on <paramref name="session"/>; null when the day is not a trading day.</summary>
    public async Task<WrittenPartition?> ArchiveAsync(Symbol symbol, DateOnly session, CancellationToken cancellationToken = default)
    {
        if (await CompletedSessionAsync(session, cancellationToken) is not { } day) return null;

        // An extended session holds at most 960 minutes: one read.
        var slice = await bars.GetBarsAsync(new BarQuery(symbol, BarInterval.OneMinute)
        {
            Start = day.SessionOpenUtc,
            End = day.SessionCloseUtc,
            Limit = BarStore.MaxLimit,
            Session = SessionFilter.Extended,
        }, cancellationToken);

        // Past the hot store's retention the session may live on in its partition only, with a
        // correction or two in the hot store since: write the two merged, never the hot part alone.
        var minutes = slice.Bars;
        var path = layout.BarsPartition(symbol.Value, session);
        var existing = (await partitions.ListAsync(BarsDataset, symbol.Value, session, cancellationToken)).FirstOrDefault();
        if (existing is not null && existing.Rows > minutes.Count && File.Exists(path))
        {
            await using var duck = await catalog.OpenSandboxedAsync(cancellationToken);
            var archived = await ArchivedMinutes.ReadByDayAsync(duck, [path], cancellationToken);
            minutes = ArchivedMinutes.Merge(archived.GetValueOrDefault(session) ?? [], minutes);
        }
        var written = await BarParquetWriter.WriteAsync(path, symbol.Value, minutes, cancellationToken);
        await partitions.RecordAsync(BarsDataset, symbol.Value, session, layout.Relative(path), written, cancellationToken);
        await catalog.EnsureViewsAsync(cancellationToken);
        return written;
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
