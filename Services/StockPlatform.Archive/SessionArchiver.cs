using StockPlatform.Archive.Catalog;
using StockPlatform.Archive.Partitions;
using StockPlatform.Archive.Query;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Calendar;

namespace StockPlatform.Archive;

/// <summary>
/// Archives completed sessions: a symbol's stored minutes of one trading day (the extended session,
/// 04:00 to 20:00 New York time) become that day's partition, recorded in <c>archive_partitions</c>;
/// archiving a session again (after corrections) replaces its partition.
/// </summary>
public sealed class SessionArchiver(BarStore bars, CalendarStore calendar, ArchivePartitionStore partitions, ArchiveCatalog catalog, ArchiveLayout layout, TimeProvider time)
{
    public const string BarsDataset = "bars";

    /// <summary>Writes the partition of <paramref name="symbol"/>'s session on <paramref name="session"/>; null when the day is not a trading day.</summary>
    public async Task<WrittenPartition?> ArchiveAsync(Symbol symbol, DateOnly session, CancellationToken cancellationToken = default)
    {
        var day = (await calendar.GetTradingDaysAsync(session, session, cancellationToken)).SingleOrDefault();
        if (day is null) return null;
        if (day.SessionCloseUtc > time.GetUtcNow())
            throw new InvalidOperationException($"the {session:yyyy-MM-dd} session has not ended; only completed sessions are archived");

        // An extended session holds at most 960 minutes: one read.
        var slice = await bars.GetBarsAsync(new BarQuery(symbol, BarInterval.OneMinute)
        {
            Start = day.SessionOpenUtc,
            End = day.SessionCloseUtc,
            Limit = BarStore.MaxLimit,
            Session = SessionFilter.Extended,
        }, cancellationToken);

        var path = layout.BarsPartition(symbol.Value, session);
        var written = await BarParquetWriter.WriteAsync(path, symbol.Value, slice.Bars, cancellationToken);
        await partitions.RecordAsync(BarsDataset, symbol.Value, session, layout.Relative(path), written, cancellationToken);
        await catalog.EnsureViewsAsync(cancellationToken);
        return written;
    }
}
