using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using StockPlatform.Archive.Catalog;
using StockPlatform.Archive.Partitions;
using StockPlatform.Archive.Query;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Calendar;

namespace StockPlatform.Archive.Tiering;

/// <summary>
/// Bars at any interval over the hot store and the archive, as one store: sessions newer than the
/// retention cutoff come from PostgreSQL as they always did; older ones from whichever holds them
/// (the hot store while a session has not been archived and deleted yet, else its Parquet
/// partition through DuckDB), composed by <see cref="MinuteAggregator"/> under the store's own
/// rules, so the caller cannot tell the tiers apart but by speed. Without retention (the
/// default) every read goes to the hot store.
/// </summary>
public sealed class TieredBarReader(
    BarStore hot,
    ArchivePartitionStore partitions,
    ArchiveCatalog catalog,
    ArchiveLayout layout,
    CalendarStore calendar,
    IOptions<ArchiveOptions> options,
    TimeProvider time)
{
    /// <summary>Bars starting before this are older than the hot store's retention (null: it keeps everything).</summary>
    public DateTimeOffset? Cutoff => options.Value.HotRetentionDays > 0
        ? NewYorkTime.StartOfDay(NewYorkTime.DateOf(time.GetUtcNow()).AddDays(-options.Value.HotRetentionDays))
        : null;

    /// <summary>The same answer <see cref="BarStore.GetBarsAsync"/> gives, over both tiers.</summary>
    public async Task<BarSlice> GetBarsAsync(BarQuery query, CancellationToken cancellationToken = default)
    {
        if (Cutoff is not { } cutoff || query.Start >= cutoff) return await hot.GetBarsAsync(query, cancellationToken);
        var coldEnd = query.End is { } end && end < cutoff ? end : cutoff;

        if (!query.Latest)
        {
            var cold = await ReadColdAsync(query, query.Start, coldEnd, query.Limit + 1, cancellationToken);
            if (cold.Count > query.Limit) return new BarSlice([.. cold.Take(query.Limit)], true);
            if (query.End <= cutoff) return new BarSlice(cold, false);
            // The rest of the page from the hot store (at least one bar, to learn whether more follow).
            var warm = await hot.GetBarsAsync(query with { Start = cutoff, Limit = Math.Max(1, query.Limit - cold.Count) }, cancellationToken);
            if (cold.Count == query.Limit) return new BarSlice(cold, warm.Bars.Count > 0);
            return new BarSlice([.. cold, .. warm.Bars], warm.HasMore);
        }

        // Latest: the newest bars first, from the hot store, then back into the archive.
        var newest = query.End is { } e && e <= cutoff ? new BarSlice([], true) : await hot.GetBarsAsync(query with { Start = cutoff }, cancellationToken);
        if (newest.Bars.Count == query.Limit) return newest.HasMore ? newest : new BarSlice(newest.Bars, (await ReadColdAsync(query, query.Start, coldEnd, 1, cancellationToken)).Count > 0);
        var older = await ReadColdAsync(query, query.Start, coldEnd, query.Limit - newest.Bars.Count + 1, cancellationToken);
        var fill = older.Count > query.Limit - newest.Bars.Count;
        return new BarSlice([.. older.TakeLast(query.Limit - newest.Bars.Count), .. newest.Bars], fill);
    }

    /// <summary>
    /// The page <see cref="GetBarsAsync"/> answers, handed to <paramref name="onBar"/> in order;
    /// returns whether more remain. Within the hot store, as <see cref="BarStore.ReadPageAsync"/>
    /// hands its rows on (as read when <paramref name="handOnAsRead"/>); a page reaching into the
    /// archive is read whole first.
    /// </summary>
    public async Task<bool> ReadPageAsync(BarQuery query, Func<StoredBar, ValueTask> onBar, bool handOnAsRead, CancellationToken cancellationToken = default)
    {
        if (Cutoff is not { } cutoff || query.Start >= cutoff) return await hot.ReadPageAsync(query, onBar, handOnAsRead, cancellationToken);
        var slice = await GetBarsAsync(query, cancellationToken);
        foreach (var bar in slice.Bars) await onBar(bar);
        return slice.HasMore;
    }

    /// <summary>
    /// Every bar of a forward range (up to the query's limit, which may exceed a page), oldest
    /// first: as <see cref="BarStore.StreamBarsAsync"/> hands them on when
    /// <paramref name="oneStatement"/> and the hot store holds the whole range (a connection held
    /// until the last row is taken), else page after page over both tiers (a connection per page).
    /// </summary>
    public async IAsyncEnumerable<StoredBar> StreamBarsAsync(BarQuery query, bool oneStatement, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (oneStatement && (Cutoff is not { } cutoff || query.Start >= cutoff))
        {
            await foreach (var bar in hot.StreamBarsAsync(query, cancellationToken).ConfigureAwait(false)) yield return bar;
            yield break;
        }
        var left = query.Limit;
        var page = query with { Limit = Math.Min(left, BarStore.MaxLimit) };
        while (left > 0)
        {
            var slice = await GetBarsAsync(page, cancellationToken).ConfigureAwait(false);
            foreach (var bar in slice.Bars) yield return bar;
            left -= slice.Bars.Count;
            if (!slice.HasMore || slice.Bars.Count == 0) yield break;
            page = page with { Start = slice.Bars[^1].Timestamp.AddMicroseconds(1), Limit = Math.Min(left, BarStore.MaxLimit) };
        }
    }

    /// <summary>
    /// Up to <paramref name="limit"/> bars with start in [from, to) before the cutoff, nearest the
    /// read's starting side first (oldest, or newest for Latest), returned in ascending order.
    /// </summary>
    private async Task<List<StoredBar>> ReadColdAsync(BarQuery query, DateTimeOffset? from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        var symbol = query.Symbol;
        var archived = (await partitions.ListAsync(SessionArchiver.BarsDataset, symbol.Value, cancellationToken: cancellationToken)).ToDictionary(p => p.Session);
        var first = await FirstSessionAsync(symbol, archived, cancellationToken);
        if (first is null) return [];
        // A bar starting before 'to' may hold minutes of the day it starts on only: days up to to's date.
        var lo = Max(first.Value, from is { } f ? NewYorkTime.DateOf(f).AddDays(-1) : first.Value);
        var hi = NewYorkTime.DateOf(to.AddTicks(-1));
        if (hi < lo) return [];
        var days = (await calendar.GetTradingDaysAsync(lo, hi, cancellationToken)).ToList();
        if (query.Latest) days.Reverse();

        var now = time.GetUtcNow();
        var bars = new List<StoredBar>();
        var batch = BatchDays(query);
        for (var i = 0; i < days.Count && bars.Count < limit; i += batch)
        {
            var chunk = days.Skip(i).Take(batch).OrderBy(d => d.Date).ToList();
            var minutes = await ReadMinutesAsync(symbol, chunk, archived, cancellationToken);
            var composed = chunk.SelectMany(day => MinuteAggregator.AggregateDay(day, minutes.GetValueOrDefault(day.Date) ?? [], query, now))
                .Where(bar => (from is null || bar.Timestamp >= from) && bar.Timestamp < to)
                .ToList();
            if (query.Latest) composed.Reverse();
            bars.AddRange(composed.Take(limit - bars.Count));
        }
        if (query.Latest) bars.Reverse();
        return bars;
    }

    // Sessions read together: enough for a page, few enough to keep one read small.
    private static int BatchDays(BarQuery query) => query.Interval.IsDaily
        ? Math.Clamp(query.Limit + 1, 1, 250)
        : Math.Clamp((int)((long)(query.Limit + 1) * query.Interval.Minutes / 390) + 1, 1, 40);

    private async Task<DateOnly?> FirstSessionAsync(Symbol symbol, Dictionary<DateOnly, ArchivedPartition> archived, CancellationToken cancellationToken)
    {
        var firstArchived = archived.Count > 0 ? archived.Keys.Min() : (DateOnly?)null;
        var firstHot = (await hot.GetSymbolAsync(symbol, cancellationToken))?.FirstBar is { } bar ? NewYorkTime.DateOf(bar) : (DateOnly?)null;
        return (firstArchived, firstHot) switch
        {
            ({ } a, { } h) => a < h ? a : h,
            var (a, h) => a ?? h,
        };
    }

    /// <summary>
    /// The minutes of each day over both tiers: the archived partition's, with the hot store's
    /// minutes of that day over them (corrections since, or the whole session while it has not
    /// been archived and deleted yet).
    /// </summary>
    private async Task<Dictionary<DateOnly, List<StoredBar>>> ReadMinutesAsync(Symbol symbol, List<TradingDay> days, Dictionary<DateOnly, ArchivedPartition> archived, CancellationToken cancellationToken)
    {
        var hotByDay = await HotMinutes.ReadByDayAsync(hot, symbol, days[0].SessionOpenUtc, days[^1].SessionCloseUtc, cancellationToken);

        // A session still whole in the hot store needs no archive read. Sessions of one month file
        // share it: each file is read once, and only the days asked for (a month holds ~20 more).
        var cold = days.Where(day => archived.TryGetValue(day.Date, out var partition) && hotByDay.GetValueOrDefault(day.Date)?.Count != partition.Rows).ToList();
        var files = cold.Select(day => Path.Combine(layout.Root, archived[day.Date].Path)).Where(File.Exists).Distinct().ToList();
        if (files.Count == 0) return hotByDay;
        await using var duck = await catalog.OpenSandboxedAsync(cancellationToken);
        var archivedByDay = await ArchivedMinutes.ReadByDayAsync(duck, files, cancellationToken, cold[0].SessionOpenUtc, cold[^1].SessionCloseUtc);
        var merge = cold.Select(day => day.Date).ToHashSet();
        return days.ToDictionary(day => day.Date, day => merge.Contains(day.Date)
            ? ArchivedMinutes.Merge(archivedByDay.GetValueOrDefault(day.Date) ?? [], hotByDay.GetValueOrDefault(day.Date) ?? [])
            : hotByDay.GetValueOrDefault(day.Date) ?? []);
    }

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;
}
