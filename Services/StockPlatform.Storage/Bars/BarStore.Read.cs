using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Schema;

namespace StockPlatform.Storage.Bars;

// Reads. Every interval is derived from bars_1m with one set of rules, whichever table serves it:
// buckets in New York wall-clock time (DST-correct), open = first minute's open, close = last
// minute's close, high/low = max/min, volume and trade count summed, vwap = sum(vwap * volume) /
// sum(volume) rounded to 8 places (the mean vwap when nothing traded). Daily bars span the
// calendar's session: 09:30 to the close by default, pre-market to after-hours when extended.
public sealed partial class BarStore
{
    /// <summary>Most bars one query may return.</summary>
    public const int MaxLimit = 10_000;

    private const int VwapScale = 8;

    // Sums per source row that compose exactly into any coarser bar.
    private const string Composed = """
        (array_agg(x.open ORDER BY x.t))[1] AS open, max(x.high) AS high, min(x.low) AS low,
        (array_agg(x.close ORDER BY x.t DESC))[1] AS close,
        sum(x.volume)::bigint AS volume, sum(x.trade_count)::bigint AS trade_count,
        coalesce(round(sum(x.vwap_volume) / nullif(sum(x.volume), 0), 8), round(sum(x.vwap_sum) / sum(x.minutes), 8)) AS vwap
        """;

    // An aggregate's buckets as the same composable rows (the alias a names the aggregate).
    private const string AggregateRows = "a.bucket AS t, a.open, a.high, a.low, a.close, a.volume, a.trade_count, a.vwap_volume, a.vwap_sum, a.minutes";

    private const string MinuteRows = """
        SELECT b.ts AS t, b.open, b.high, b.low, b.close, b.volume, b.trade_count,
               b.vwap * b.volume AS vwap_volume, b.vwap AS vwap_sum, 1 AS minutes
        FROM bars_1m b
        """;

    /// <summary>Bars of one symbol at any interval; see <see cref="BarQuery"/>.</summary>
    public async Task<BarSlice> GetBarsAsync(BarQuery query, CancellationToken cancellationToken = default)
    {
        if (await PlanPageAsync(query, cancellationToken).ConfigureAwait(false) is not { } plan) return new BarSlice([], false);
        return await ReadSliceAsync(query, plan, cancellationToken).ConfigureAwait(false);
    }

    // A page holds 1 to MaxLimit bars, whichever way it is read.
    private Task<ReadPlan?> PlanPageAsync(BarQuery query, CancellationToken cancellationToken) =>
        query.Limit is < 1 or > MaxLimit
            ? throw new ArgumentOutOfRangeException(nameof(query), query.Limit, $"limit must be between 1 and {MaxLimit}")
            : PlanAsync(query, cancellationToken);

    private async Task<BarSlice> ReadSliceAsync(BarQuery query, ReadPlan plan, CancellationToken cancellationToken)
    {
        var (info, from, to, dirty) = (plan.Info, plan.From, plan.To, plan.Dirty);

        // Minutes, and an aggregate's own buckets when none is stale, stream straight from the
        // index in order, so LIMIT stops the scan early.
        if (plan.InIndexOrder)
        {
            var rows = await ReadAsync(info, query, from, to, dirty, descending: query.Latest, query.Limit + 1, cancellationToken).ConfigureAwait(false);
            return Slice(query, rows);
        }

        // Coarser bars are aggregated over a window, never over the rest of the history: paging
        // through a year then costs about one pass over it, not one per page. The window first
        // reaches the minute that guarantees limit + 1 whole buckets (a bucket holds at most
        // 'interval' minutes; an index-only scan finds it), and grows when filters thin it out.
        var window = await FirstWindowAsync(query, from, to, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var windowStart = query.Latest ? Max(from, to - window) : from;
            var windowEnd = query.Latest ? to : Min(to, from + window);
            var bars = await ReadAsync(info, query, windowStart, windowEnd, dirty, descending: query.Latest, query.Limit + 1, cancellationToken).ConfigureAwait(false);
            if (bars.Count > query.Limit || (windowStart <= from && windowEnd >= to)) return Slice(query, bars);
            window *= 4;
        }
    }

    /// <summary>
    /// Every bar of the query's range (up to its limit, which may exceed <see cref="MaxLimit"/>),
    /// oldest first, as one statement whose rows are handed on as they arrive: an export of years
    /// costs one pass and holds one row, not a page. The same bars, page after page, as
    /// <see cref="GetBarsAsync"/> gives. A transient failure (a restarted server, a dropped
    /// connection) resumes just after the last bar handed on, at most <see cref="StreamResumes"/> times.
    /// </summary>
    public IAsyncEnumerable<StoredBar> StreamBarsAsync(BarQuery query, CancellationToken cancellationToken = default)
    {
        if (query.Latest) throw new ArgumentException("a stream reads a range forward, not the latest bars", nameof(query));
        if (query.Limit < 1) throw new ArgumentOutOfRangeException(nameof(query), query.Limit, "limit must be at least 1");
        return StreamResumingAsync(query, plan: null, cancellationToken);
    }

    /// <summary>
    /// The page <see cref="GetBarsAsync"/> answers, handed to <paramref name="onBar"/> in the same
    /// order; returns whether more bars remain. With <paramref name="handOnAsRead"/>, a forward
    /// page whose rows come straight from an index in order (minutes, an aggregate's current
    /// buckets) is one statement whose rows are handed on as they arrive, so the caller writes the
    /// first bars while the store still reads the rest (its connection held until the caller has
    /// taken them), resuming as <see cref="StreamBarsAsync"/> does. Any other page (the latest
    /// bars, intervals composed over a window, or without <paramref name="handOnAsRead"/>) is read
    /// whole first, its connection back in the pool before the first bar is handed on.
    /// </summary>
    public async Task<bool> ReadPageAsync(BarQuery query, Func<StoredBar, ValueTask> onBar, bool handOnAsRead, CancellationToken cancellationToken = default)
    {
        if (await PlanPageAsync(query, cancellationToken).ConfigureAwait(false) is not { } plan) return false;
        if (!handOnAsRead || query.Latest || !plan.InIndexOrder)
        {
            var slice = await ReadSliceAsync(query, plan, cancellationToken).ConfigureAwait(false);
            foreach (var bar in slice.Bars) await onBar(bar).ConfigureAwait(false);
            return slice.HasMore;
        }
        // One row past the page says whether more remain; it is not handed on.
        var handed = 0;
        await foreach (var bar in StreamResumingAsync(query with { Limit = query.Limit + 1 }, plan, cancellationToken).ConfigureAwait(false))
        {
            if (handed++ == query.Limit) return true;
            await onBar(bar).ConfigureAwait(false);
        }
        return false;
    }

    /// <summary>How often one stream resumes after a transient failure before the failure is the caller's.</summary>
    public const int StreamResumes = 3;

    // A forward range as one statement (planned already when 'plan' is given), resumed after transient failures.
    private async IAsyncEnumerable<StoredBar> StreamResumingAsync(BarQuery query, ReadPlan? plan, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var resumes = 0;
        while (true)
        {
            StoredBar? last = null;
            var handed = 0;
            var failed = false;
            await using (var rows = StreamOnceAsync(query, plan, cancellationToken).GetAsyncEnumerator(cancellationToken))
            {
                while (true)
                {
                    // C# keeps yield out of a try with a catch: the move is caught, the bar handed on after.
                    try
                    {
                        if (!await rows.MoveNextAsync().ConfigureAwait(false)) break;
                    }
                    catch (NpgsqlException exception) when (exception.IsTransient && resumes < StreamResumes && !cancellationToken.IsCancellationRequested)
                    {
                        LogStreamResumed(query.Symbol.Value, ++resumes, exception.GetType().Name);
                        failed = true;
                        break;
                    }
                    last = rows.Current;
                    handed++;
                    yield return rows.Current;
                }
            }
            if (!failed) yield break;
            // A resumed range is planned again: its start moved, and the failure may have outlived the plan.
            plan = null;
            if (last is not null)
            {
                // Paging's own step: one microsecond on (PostgreSQL keeps microseconds).
                query = query with { Start = last.Timestamp.AddMicroseconds(1), Limit = query.Limit - handed };
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200 * resumes), time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async IAsyncEnumerable<StoredBar> StreamOnceAsync(BarQuery query, ReadPlan? plan, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if ((plan ?? await PlanAsync(query, cancellationToken).ConfigureAwait(false)) is not { } read) yield break;
        await using var command = await CreateReadCommandAsync(read.Info, query, read.From, read.To, read.Dirty, descending: false, query.Limit, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) yield return ReadBar(reader, now);
    }

    /// <summary>
    /// Where a read looks: the storage path, its range clamped to what the symbol holds, the stale
    /// hours on TimescaleDB, and whether its rows come straight from an index in order (minutes, or
    /// an aggregate's own buckets while none is stale). Null when nothing is stored in the range.
    /// </summary>
    private sealed record ReadPlan(StorageInfo Info, DateTimeOffset From, DateTimeOffset To, List<(DateTime From, DateTime To)> Dirty, bool InIndexOrder);

    private async Task<ReadPlan?> PlanAsync(BarQuery query, CancellationToken cancellationToken)
    {
        if (query.Start is { } s && query.End is { } e && e <= s)
            throw new ArgumentException($"end {e:O} must be after start {s:O}", nameof(query));

        var info = await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        // Minutes as stored: one index range read that LIMIT stops early, whatever the range.
        if (query.Interval == BarInterval.OneMinute && query.EffectiveSession == SessionFilter.Extended)
            return new ReadPlan(info, query.Start ?? DateTimeOffset.MinValue, query.End ?? DateTimeOffset.MaxValue, [], InIndexOrder: true);

        // TimescaleDB: the hours whose aggregate buckets may be stale, read from the minutes instead;
        // looked up with the symbol's extent, in the same round trip.
        var withDirty = info.Path == StoragePath.Timescale && !(query.Interval.Minutes == 1 && !query.Interval.IsDaily);
        if (await GetExtentAsync(query, withDirty, cancellationToken).ConfigureAwait(false) is not { } extent) return null;

        // Clamp the range to what is stored: unbounded reads stay cheap and daily sessions finite.
        var from = Max(query.Start ?? DateTimeOffset.MinValue, Floor(extent.First, query.Interval));
        var to = Min(query.End ?? DateTimeOffset.MaxValue, extent.Last.AddMinutes(1));
        if (to <= from) return null;
        var inIndexOrder = query.Interval.Minutes == 1 || (info.Path == StoragePath.Timescale && extent.Dirty.Count == 0 && ServedAsStored(query));
        return new ReadPlan(info, from, to, extent.Dirty, inIndexOrder);
    }

    // Bars come in reading order (newest first for Latest) with one extra that says whether more remain.
    private static BarSlice Slice(BarQuery query, List<StoredBar> bars)
    {
        var page = bars.Take(query.Limit);
        return new BarSlice(query.Latest ? [.. page.Reverse()] : [.. page], bars.Count > query.Limit);
    }

    private async Task<TimeSpan> FirstWindowAsync(BarQuery query, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        // Daily bars: a session per weekday, less about ten holidays a year. Every session in the
        // window is composed before the page is cut, so a window twice too wide costs twice the work.
        if (query.Interval.IsDaily) return TimeSpan.FromDays(((query.Limit + 1) * 1.45) + 10);

        var minutesPerBucket = query.Interval.Minutes;
        var reach = (long)(query.Limit + 2) * minutesPerBucket;
        if (reach > 500_000)
        {
            // Huge pages: a generous guess; nights and weekends have no minutes.
            return TimeSpan.FromMinutes(minutesPerBucket * (double)query.Limit * 3) + TimeSpan.FromDays(5);
        }

        var order = query.Latest ? "DESC" : "ASC";
        var bound = await retry.ExecuteAsync<DateTimeOffset?>(async token =>
        {
            await using var command = dataSource.CreateCommand(
                $"SELECT ts FROM bars_1m WHERE symbol = @symbol AND ts >= @from AND ts < @to ORDER BY ts {order} OFFSET @offset LIMIT 1");
            command.Parameters.AddWithValue("symbol", query.Symbol.Value);
            command.Parameters.AddWithValue("from", from.UtcDateTime);
            command.Parameters.AddWithValue("to", to.UtcDateTime);
            command.Parameters.AddWithValue("offset", reach - 1);
            return await command.ExecuteScalarAsync(token).ConfigureAwait(false) is DateTime ts ? new DateTimeOffset(ts, TimeSpan.Zero) : null;
        }, cancellationToken).ConfigureAwait(false);

        // Fewer minutes than that remain: the whole range is one read.
        if (bound is not { } edge) return to - from;
        return query.Latest ? to - edge : edge - from + TimeSpan.FromMinutes(1);
    }

    private async Task<List<StoredBar>> ReadAsync(StorageInfo info, BarQuery query, DateTimeOffset from, DateTimeOffset to, List<(DateTime From, DateTime To)> dirty, bool descending, int limit, CancellationToken cancellationToken)
    {
        await using var command = await CreateReadCommandAsync(info, query, from, to, dirty, descending, limit, cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync(async token =>
        {
            var now = time.GetUtcNow();
            var bars = new List<StoredBar>(Math.Min(limit, 1024));
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            while (await reader.ReadAsync(token).ConfigureAwait(false)) bars.Add(ReadBar(reader, now));
            return bars;
        }, cancellationToken).ConfigureAwait(false);
    }

    // A row of ReadSql's columns; complete once its bucket has ended.
    private static StoredBar ReadBar(NpgsqlDataReader reader, DateTimeOffset now)
    {
        var end = new DateTimeOffset(reader.GetFieldValue<DateTime>(8), TimeSpan.Zero);
        return new StoredBar(
            new DateTimeOffset(reader.GetFieldValue<DateTime>(0), TimeSpan.Zero),
            reader.GetDecimal(1), reader.GetDecimal(2), reader.GetDecimal(3), reader.GetDecimal(4),
            reader.GetInt64(5), reader.GetInt64(6), reader.GetDecimal(7),
            IsComplete: end <= now);
    }

    private async Task<NpgsqlCommand> CreateReadCommandAsync(StorageInfo info, BarQuery query, DateTimeOffset from, DateTimeOffset to, List<(DateTime From, DateTime To)> dirty, bool descending, int limit, CancellationToken cancellationToken)
    {
        var interval = query.Interval;
        // A bar starting before 'to' takes its minutes up to one interval later (a 09:00 hour read
        // up to 09:15 holds 09:30-09:59), so the sessions of that stretch count too.
        var sessions = interval.IsDaily || query.EffectiveSession == SessionFilter.Regular
            ? await SessionsAsync(from, interval.IsDaily ? to : to + interval.Length, interval.IsDaily, query.EffectiveSession, cancellationToken).ConfigureAwait(false)
            : null;

        var command = dataSource.CreateCommand();
        command.Parameters.AddWithValue("symbol", query.Symbol.Value);
        command.Parameters.AddWithValue("from", from.UtcDateTime);
        command.Parameters.AddWithValue("to", to.UtcDateTime);
        command.Parameters.AddWithValue("limit", limit);
        if (sessions is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTime[]>("labels", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = sessions.Select(x => x.Label.UtcDateTime).ToArray() });
            command.Parameters.Add(new NpgsqlParameter<DateTime[]>("starts", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = sessions.Select(x => x.Start.UtcDateTime).ToArray() });
            command.Parameters.Add(new NpgsqlParameter<DateTime[]>("ends", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = sessions.Select(x => x.End.UtcDateTime).ToArray() });
        }

        var aggregate = ContinuousAggregateFor(info, query, sessions);
        var withDirty = aggregate is not null && dirty.Count > 0;
        if (withDirty)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTime[]>("dirty_from", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = dirty.Select(d => d.From).ToArray() });
            command.Parameters.Add(new NpgsqlParameter<DateTime[]>("dirty_to", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = dirty.Select(d => d.To).ToArray() });
        }
        command.CommandText = ReadSql(query, aggregate, sessions is not null, descending, withDirty);
        if (!interval.IsDaily && interval.Minutes > 1) command.Parameters.AddWithValue("step", interval.Length);
        return command;
    }

    /// <summary>
    /// The read's SQL (parameters @symbol, @from, @to, @limit, and @step for N-minute bars; @labels,
    /// @starts, @ends when <paramref name="sessionFiltered"/> or daily), composed from the continuous
    /// aggregate <paramref name="aggregate"/> when one serves the query, with the minutes of the
    /// hours @dirty_from/@dirty_to in place of its buckets when <paramref name="withDirty"/>.
    /// The read benchmark times this same text.
    /// </summary>
    internal static string ReadSql(BarQuery query, string? aggregate, bool sessionFiltered, bool descending, bool withDirty = false)
    {
        var interval = query.Interval;
        var order = descending ? "DESC" : "ASC";
        var dirty = withDirty ? DirtyHours : string.Empty;
        if (interval.IsDaily && aggregate is not null && withDirty)
        {
            // A session that overlaps a stale hour is composed from its own minutes, the others
            // from their 30-minute buckets: one index range per session either way. (Probing
            // every stale range for every session cost sessions x ranges x chunks index scans:
            // minutes, right after a backfill of years stored day by day.)
            return $"""
                {dirty},
                sessions AS MATERIALIZED (
                    SELECT s.label, s.start_ts, s.end_ts,
                           EXISTS (SELECT 1 FROM dirty d WHERE d.hours && tstzrange(s.start_ts, s.end_ts)) AS stale
                    FROM unnest(@labels, @starts, @ends) AS s(label, start_ts, end_ts)
                    WHERE s.label >= @from AND s.label < @to)
                SELECT s.label AS bucket, {Composed}, max(s.end_ts) AS bucket_end
                FROM sessions s
                JOIN LATERAL (
                    SELECT {AggregateRows}
                    FROM {aggregate} a
                    WHERE NOT s.stale AND a.symbol = @symbol AND a.bucket >= s.start_ts AND a.bucket < s.end_ts
                    UNION ALL
                    {MinuteRows}
                    WHERE s.stale AND b.symbol = @symbol AND b.ts >= s.start_ts AND b.ts < s.end_ts
                ) x ON true
                GROUP BY s.label ORDER BY s.label {order} LIMIT @limit
                """;
        }
        if (interval.IsDaily)
        {
            // One row per session; its minutes (or its 30-minute buckets) are composed in order,
            // each session read through an index range of its own.
            return $"""
                {dirty}
                SELECT s.label AS bucket, {Composed}, max(s.end_ts) AS bucket_end
                FROM unnest(@labels, @starts, @ends) AS s(label, start_ts, end_ts)
                JOIN LATERAL ({SourceRows(aggregate, withDirty, "s.start_ts", "s.end_ts", sessionFiltered: false)}) x ON true
                WHERE s.label >= @from AND s.label < @to
                GROUP BY s.label ORDER BY s.label {order} LIMIT @limit
                """;
        }
        if (interval.Minutes == 1)
        {
            return $"""
                SELECT b.ts AS bucket, b.open, b.high, b.low, b.close, b.volume, b.trade_count, b.vwap, b.ts + interval '1 minute' AS bucket_end
                FROM bars_1m b {SessionJoin(sessionFiltered, "b.ts")}
                WHERE b.symbol = @symbol AND b.ts >= @from AND b.ts < @to
                ORDER BY b.ts {order} LIMIT @limit
                """;
        }
        if (aggregate is not null && AggregateMinutes(aggregate) == interval.Minutes && !withDirty)
        {
            return $"""
                SELECT a.bucket, a.open, a.high, a.low, a.close, a.volume, a.trade_count, {VwapOf("a")}, a.bucket + @step AS bucket_end
                FROM {aggregate} a {SessionJoin(sessionFiltered, "a.bucket")}
                WHERE a.symbol = @symbol AND a.bucket >= @from AND a.bucket < @to
                ORDER BY a.bucket {order} LIMIT @limit
                """;
        }
        if (aggregate is not null && AggregateMinutes(aggregate) == interval.Minutes)
        {
            // The aggregate's own buckets, as stored, except those of dirty hours, which are
            // composed from their minutes (hour-aligned, so always whole buckets).
            return $"""
                {dirty}
                SELECT u.bucket, u.open, u.high, u.low, u.close, u.volume, u.trade_count, {VwapOf("u")}, u.bucket + @step AS bucket_end
                FROM (
                    SELECT a.bucket, a.open, a.high, a.low, a.close, a.volume, a.trade_count, a.vwap_volume, a.vwap_sum, a.minutes
                    FROM {aggregate} a {SessionJoin(sessionFiltered, "a.bucket")}
                    WHERE a.symbol = @symbol AND a.bucket >= @from AND a.bucket < @to
                      AND NOT EXISTS (SELECT 1 FROM dirty d WHERE d.hours @> a.bucket)
                    UNION ALL
                    SELECT m.bucket, {Sums("m")}
                    FROM (SELECT time_bucket(@step, b.t) AS bucket, b.*
                          FROM ({DirtyMinutes(sessionFiltered, "@from", "@to + @step")}) b) m
                    GROUP BY m.bucket HAVING m.bucket >= @from AND m.bucket < @to
                ) u
                ORDER BY u.bucket {order} LIMIT @limit
                """;
        }

        // Buckets in New York wall-clock time. Markets are closed when the clocks change
        // (02:00 on a Sunday), so local-time bins are exact for every stored minute, and for every
        // aggregate bucket, which lies within one bin whenever its length divides the bin's.
        var origin = query.Anchor == HourAnchor.Session ? "2000-01-03 09:30" : "2000-01-03 00:00";
        return $"""
            {dirty}
            SELECT x.bucket, {Composed}, x.bucket + @step AS bucket_end
            FROM (
                SELECT (date_bin(@step, m.t AT TIME ZONE 'America/New_York', timestamp '{origin}') AT TIME ZONE 'America/New_York') AS bucket, m.*
                FROM ({SourceRows(aggregate, withDirty, "@from - @step", "@to + @step", sessionFiltered)}) m
            ) x
            WHERE x.bucket >= @from AND x.bucket < @to
            GROUP BY x.bucket ORDER BY x.bucket {order} LIMIT @limit
            """;
    }

    // TimescaleDB path: the hours of this symbol whose minutes changed since the aggregates last
    // covered them (see migration 0003), disjoint, as the read looked them up.
    private const string DirtyHours = """
        WITH dirty AS MATERIALIZED (SELECT tstzrange(f, t) AS hours FROM unnest(@dirty_from, @dirty_to) AS r(f, t))
        """;

    /// <summary>
    /// Rows that compose into coarser bars, for [lo, hi): the minutes, or, from an aggregate, its
    /// buckets where they are current and the minutes of the dirty hours.
    /// </summary>
    private static string SourceRows(string? aggregate, bool withDirty, string lo, string hi, bool sessionFiltered)
    {
        if (aggregate is null)
            return $"{MinuteRows} {SessionJoin(sessionFiltered, "b.ts")} WHERE b.symbol = @symbol AND b.ts >= {lo} AND b.ts < {hi}";
        if (!withDirty)
        {
            return $"""
                SELECT {AggregateRows}
                FROM {aggregate} a {SessionJoin(sessionFiltered, "a.bucket")}
                WHERE a.symbol = @symbol AND a.bucket >= {lo} AND a.bucket < {hi}
                """;
        }
        return $"""
            SELECT {AggregateRows}
            FROM {aggregate} a {SessionJoin(sessionFiltered, "a.bucket")}
            WHERE a.symbol = @symbol AND a.bucket >= {lo} AND a.bucket < {hi}
              AND NOT EXISTS (SELECT 1 FROM dirty d WHERE d.hours @> a.bucket)
            UNION ALL
            {DirtyMinutes(sessionFiltered, lo, hi)}
            """;
    }

    // The minutes of the dirty hours within [lo, hi): one index range scan per dirty range (the
    // lateral join keeps the planner from scanning the whole range and filtering).
    // Only the ranges that meet [lo, hi) are read: a backfill stored day by day leaves one range a day.
    private static string DirtyMinutes(bool sessionFiltered, string lo, string hi) => $"""
        SELECT m.* FROM dirty d CROSS JOIN LATERAL (
            {MinuteRows} {SessionJoin(sessionFiltered, "b.ts")}
            WHERE b.symbol = @symbol AND b.ts >= greatest(lower(d.hours), {lo}) AND b.ts < least(upper(d.hours), {hi})) m
        WHERE d.hours && tstzrange({lo}, {hi})
        """;

    // Composable sums of a group of source rows (the aggregates' columns).
    private static string Sums(string alias) => $"""
        (array_agg({alias}.open ORDER BY {alias}.t))[1] AS open, max({alias}.high) AS high, min({alias}.low) AS low,
        (array_agg({alias}.close ORDER BY {alias}.t DESC))[1] AS close,
        sum({alias}.volume)::bigint AS volume, sum({alias}.trade_count)::bigint AS trade_count,
        sum({alias}.vwap_volume) AS vwap_volume, sum({alias}.vwap_sum) AS vwap_sum, sum({alias}.minutes)::bigint AS minutes
        """;

    private static string VwapOf(string alias) =>
        $"coalesce(round({alias}.vwap_volume / nullif({alias}.volume, 0), {VwapScale}), round({alias}.vwap_sum / {alias}.minutes, {VwapScale})) AS vwap";

    private static readonly (string View, int Minutes)[] Aggregates = [("bars_1h", 60), ("bars_30m", 30), ("bars_15m", 15), ("bars_5m", 5)];

    private static int AggregateMinutes(string aggregate) => Array.Find(Aggregates, a => a.View == aggregate).Minutes;

    /// <summary>
    /// The coarsest continuous aggregate that composes the query's bars exactly, or null to compose
    /// the minutes. Its buckets must each fall within one bar (its length divides the bars' and
    /// their anchor's offset) and within or outside every session filtered on (its length divides
    /// the sessions' bounds); daily bars come from 30-minute buckets.
    /// </summary>
    private static string? ContinuousAggregateFor(StorageInfo info, BarQuery query, List<SessionWindow>? sessions)
    {
        if (info.Path != StoragePath.Timescale) return null;
        if (query.Interval.IsDaily)
            return sessions is not null && sessions.All(s => IsAligned(s.Start, 30) && IsAligned(s.End, 30)) ? "bars_30m" : null;

        var minutes = query.Interval.Minutes;
        var anchorOffset = query.Anchor == HourAnchor.Session ? 9 * 60 + 30 : 0;
        foreach (var (view, length) in Aggregates)
        {
            if (minutes % length != 0 || anchorOffset % length != 0) continue;
            if (sessions is not null && !sessions.All(s => IsAligned(s.Start, length) && IsAligned(s.End, length))) continue;
            return view;
        }
        return null;
    }

    /// <summary>Whether an aggregate holds the query's bars as they are (see <see cref="ContinuousAggregateFor"/>).</summary>
    private static bool ServedAsStored(BarQuery query) => !query.Interval.IsDaily && query.Interval.Minutes switch
    {
        5 or 15 or 30 => true,
        60 => query.Anchor == HourAnchor.Clock && query.EffectiveSession == SessionFilter.Extended,
        _ => false,
    };

    private static bool IsAligned(DateTimeOffset instant, int minutes) => instant.Ticks % TimeSpan.FromMinutes(minutes).Ticks == 0;

    private static string SessionJoin(bool sessionFiltered, string column) => !sessionFiltered
        ? string.Empty
        : $"JOIN unnest(@labels, @starts, @ends) AS s(label, start_ts, end_ts) ON {column} >= s.start_ts AND {column} < s.end_ts";

    /// <summary>The sessions overlapping [from, to): regular or extended windows in UTC, labelled at New York midnight.</summary>
    private async Task<List<SessionWindow>> SessionsAsync(DateTimeOffset from, DateTimeOffset to, bool daily, SessionFilter session, CancellationToken cancellationToken)
    {
        // A daily bar is labelled at the session's New York midnight, which may precede 'from'.
        var firstDate = NewYorkTime.DateOf(from).AddDays(-1);
        var lastDate = NewYorkTime.DateOf(to).AddDays(1);
        var days = await calendar.GetTradingDaysAsync(firstDate, lastDate, cancellationToken).ConfigureAwait(false);
        return days.Select(day => session == SessionFilter.Regular
                ? new SessionWindow(NewYorkTime.StartOfDay(day.Date), day.OpenUtc, day.CloseUtc)
                : new SessionWindow(NewYorkTime.StartOfDay(day.Date), day.SessionOpenUtc, day.SessionCloseUtc))
            .Where(window => daily || (window.End > from && window.Start < to))
            .ToList();
    }

    // The symbol's extent and, when asked, its dirty hours within a day of the clamped range
    // [max(start, Floor(first)), min(end, last + 1 minute)), merged into disjoint ranges: the
    // clamp is computed here as GetBarsAsync computes it, so both lookups take one round trip.
    private const string ExtentSql = "SELECT first_ts, last_ts FROM symbols WHERE symbol = @symbol";

    private const string ExtentAndDirtySql = """
        SELECT s.first_ts, s.last_ts, d.froms, d.tos
        FROM symbols s
        CROSS JOIN LATERAL (
            SELECT greatest(coalesce(@start, '-infinity'::timestamptz),
                            CASE WHEN @daily THEN date_trunc('day', s.first_ts, 'America/New_York') ELSE s.first_ts - @step END) - interval '1 day' AS lo,
                   least(coalesce(@end, 'infinity'::timestamptz), s.last_ts + interval '1 minute') + interval '1 day' AS hi) w
        CROSS JOIN LATERAL (
            SELECT array_agg(lower(r) ORDER BY lower(r)) AS froms, array_agg(upper(r) ORDER BY lower(r)) AS tos
            FROM unnest((SELECT range_agg(tstzrange(b.from_ts, b.to_ts)) FROM bars_dirty b
                         WHERE b.symbol = s.symbol AND b.from_ts < w.hi AND b.to_ts > w.lo)) r) d
        WHERE s.symbol = @symbol
        """;

    private async Task<(DateTimeOffset First, DateTimeOffset Last, List<(DateTime From, DateTime To)> Dirty)?> GetExtentAsync(
        BarQuery query, bool withDirty, CancellationToken cancellationToken) =>
        await retry.ExecuteAsync<(DateTimeOffset, DateTimeOffset, List<(DateTime, DateTime)>)?>(async token =>
        {
            await using var command = dataSource.CreateCommand(withDirty ? ExtentAndDirtySql : ExtentSql);
            command.Parameters.AddWithValue("symbol", query.Symbol.Value);
            if (withDirty)
            {
                command.Parameters.Add(new NpgsqlParameter("start", NpgsqlDbType.TimestampTz) { Value = query.Start is { } s ? s.UtcDateTime : DBNull.Value });
                command.Parameters.Add(new NpgsqlParameter("end", NpgsqlDbType.TimestampTz) { Value = query.End is { } e ? e.UtcDateTime : DBNull.Value });
                command.Parameters.AddWithValue("daily", query.Interval.IsDaily);
                command.Parameters.AddWithValue("step", query.Interval.IsDaily ? TimeSpan.Zero : query.Interval.Length);
            }
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            if (!await reader.ReadAsync(token).ConfigureAwait(false)) return null;
            var dirty = new List<(DateTime, DateTime)>();
            if (withDirty && !reader.IsDBNull(2))
            {
                var froms = reader.GetFieldValue<DateTime[]>(2);
                var tos = reader.GetFieldValue<DateTime[]>(3);
                for (var i = 0; i < froms.Length; i++) dirty.Add((froms[i], tos[i]));
            }
            return (reader.GetFieldValue<DateTimeOffset>(0), reader.GetFieldValue<DateTimeOffset>(1), dirty);
        }, cancellationToken).ConfigureAwait(false);

    // Daily labels sit at New York midnight, before the first minute: start a day early for them.
    private static DateTimeOffset Floor(DateTimeOffset first, BarInterval interval) =>
        interval.IsDaily ? NewYorkTime.StartOfDay(NewYorkTime.DateOf(first)) : first - interval.Length;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "A stream of {Symbol} bars failed ({Error}); resuming after the last bar sent (resume {Resume})")]
    private partial void LogStreamResumed(string symbol, int resume, string error);

    private sealed record SessionWindow(DateTimeOffset Label, DateTimeOffset Start, DateTimeOffset End);
}
