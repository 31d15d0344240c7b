using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Calendar;
using StockPlatform.Storage.Infrastructure;
using StockPlatform.Storage.Schema;

namespace StockPlatform.Storage.Bars;

/// <summary>
/// The 1-minute bars: idempotent bulk upserts, and reads at any interval (aggregated in New York
/// time from the minutes, through TimescaleDB's continuous aggregates where they apply).
/// </summary>
public sealed partial class BarStore(
    NpgsqlDataSource dataSource,
    StorageSchema schema,
    CalendarStore calendar,
    DbRetry retry,
    TimeProvider time,
    ILogger<BarStore> logger)
{
    // How a write's new bars widen a symbol's coverage row (alias s), in the merge and the fast path alike.
    private const string WidenCoverage = """
        ON CONFLICT (symbol) DO UPDATE SET
            first_ts = LEAST(s.first_ts, EXCLUDED.first_ts), last_ts = GREATEST(s.last_ts, EXCLUDED.last_ts),
            bar_count = s.bar_count + EXCLUDED.bar_count, updated_at = now()
        """;

    // The merge: binary COPY into a per-transaction stage table, then one INSERT ... ON CONFLICT that writes
    // only rows whose values differ, counts inserts (xmax = 0) and updates, and keeps the
    // symbols table's coverage in step: one round trip, one transaction, no row written twice.
    private const string CreateStage = """
        CREATE TEMP TABLE bars_stage (
            symbol text, ts timestamptz, open numeric, high numeric, low numeric, close numeric,
            volume bigint, trade_count bigint, vwap numeric) ON COMMIT DROP
        """;

    private const string CopyStage =
        "COPY bars_stage (symbol, ts, open, high, low, close, volume, trade_count, vwap) FROM STDIN (FORMAT BINARY)";

    private static string Merge(StoragePath path) => $"""
        WITH upserted AS (
            INSERT INTO bars_1m AS b (symbol, ts, open, high, low, close, volume, trade_count, vwap, feed, updated_at)
            SELECT symbol, ts, open, high, low, close, volume, trade_count, vwap, @feed, now() FROM bars_stage
            ON CONFLICT (symbol, ts) DO UPDATE SET
                open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,
                volume = EXCLUDED.volume, trade_count = EXCLUDED.trade_count, vwap = EXCLUDED.vwap,
                feed = EXCLUDED.feed, updated_at = now()
            WHERE (b.open, b.high, b.low, b.close, b.volume, b.trade_count, b.vwap)
                IS DISTINCT FROM (EXCLUDED.open, EXCLUDED.high, EXCLUDED.low, EXCLUDED.close, EXCLUDED.volume, EXCLUDED.trade_count, EXCLUDED.vwap)
            RETURNING b.symbol, b.ts, (xmax = 0) AS inserted
        ), per_symbol AS (
            SELECT symbol, min(ts) AS first_ts, max(ts) AS last_ts,
                   count(*) FILTER (WHERE inserted) AS inserted, count(*) FILTER (WHERE NOT inserted) AS corrected
            FROM upserted GROUP BY symbol
        ), coverage AS (
            INSERT INTO symbols AS s (symbol, first_ts, last_ts, bar_count, updated_at)
            SELECT symbol, first_ts, last_ts, inserted, now() FROM per_symbol
            {WidenCoverage}
        ){(path == StoragePath.Timescale ? $", dirty AS ({MarkDirty} FROM per_symbol)" : string.Empty)}
        SELECT coalesce(sum(inserted), 0)::int, coalesce(sum(corrected), 0)::int FROM per_symbol
        """;

    // TimescaleDB path: the hours a write changed, recorded with its bars (same transaction), so
    // reads take them from the minutes until the refresher has brought the aggregates up to them.
    private const string MarkDirty = """
        INSERT INTO bars_dirty (symbol, from_ts, to_ts)
        SELECT symbol, date_trunc('hour', first_ts, 'UTC'), date_trunc('hour', last_ts, 'UTC') + interval '1 hour'
        """;

    // The fast path for bars new to the store (a backfill's usual case): no stored bar of these
    // symbols lies within the batch's time span, so a plain COPY into bars_1m cannot conflict and
    // skips ON CONFLICT's speculative insertion, the costliest part of the merge.
    private const string AnyStoredInSpan = """
        SELECT EXISTS (
            SELECT 1 FROM unnest(@symbols, @firsts, @lasts) AS r(symbol, first_ts, last_ts)
            JOIN bars_1m b ON b.symbol = r.symbol AND b.ts BETWEEN r.first_ts AND r.last_ts)
        """;

    private const string CopyNew =
        "COPY bars_1m (symbol, ts, open, high, low, close, volume, trade_count, vwap, feed) FROM STDIN (FORMAT BINARY)";

    private const string AddCoverage = $"""
        INSERT INTO symbols AS s (symbol, first_ts, last_ts, bar_count, updated_at)
        SELECT symbol, first_ts, last_ts, bar_count, now() FROM unnest(@symbols, @firsts, @lasts, @counts) AS r(symbol, first_ts, last_ts, bar_count)
        {WidenCoverage}
        """;

    private const string MarkSpansDirty = $"{MarkDirty} FROM unnest(@symbols, @firsts, @lasts) AS r(symbol, first_ts, last_ts)";

    /// <summary>Upserts one symbol's 1-minute bars. The same batch twice changes nothing; a changed bar replaces the stored one.</summary>
    public Task<UpsertResult> UpsertAsync(Symbol symbol, string feed, IReadOnlyList<Bar> bars, CancellationToken cancellationToken = default) =>
        UpsertAsync(bars.Select(bar => new SymbolBar(symbol, bar)).ToList(), feed, cancellationToken);

    /// <summary>
    /// Upserts 1-minute bars of any symbols in one transaction. A batch with an invalid bar is
    /// refused whole with <see cref="BarValidationException"/>, before anything is written.
    /// </summary>
    public async Task<UpsertResult> UpsertAsync(IReadOnlyList<SymbolBar> bars, string feed, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(feed);
        if (bars.Count == 0) return default;
        var batch = ValidateAndDeduplicate(bars);
        var info = await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);

        var (inserted, corrected) = await retry.ExecuteAsync(async token =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
            return await TryCopyNewAsync(connection, batch, feed, info, token).ConfigureAwait(false)
                ? (batch.Count, 0)
                : await MergeAsync(connection, batch, feed, info, token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);

        var result = new UpsertResult(inserted, corrected, batch.Count - inserted - corrected);
        LogUpserted(batch.Count, result.Inserted, result.Corrected, result.Unchanged);
        return result;
    }

    /// <summary>
    /// Writes the batch with one COPY straight into bars_1m when none of its minutes can be stored
    /// yet. False (and nothing written) when some stored bar lies in its span, or when a concurrent
    /// writer got there first (the unique key refuses the COPY): the merge handles those.
    /// </summary>
    private static async Task<bool> TryCopyNewAsync(NpgsqlConnection connection, List<SymbolBar> batch, string feed, StorageInfo info, CancellationToken token)
    {
        var spans = batch.GroupBy(item => item.Symbol.Value)
            .Select(group => (Symbol: group.Key, First: group.First().Bar.Timestamp.UtcDateTime, Last: group.Last().Bar.Timestamp.UtcDateTime, Count: (long)group.Count()))
            .ToList();
        await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
        await using (var check = new NpgsqlCommand(AnyStoredInSpan, connection, transaction))
        {
            AddSpans(check.Parameters, spans, withCounts: false);
            if ((bool)(await check.ExecuteScalarAsync(token).ConfigureAwait(false))!) return false;
        }

        try
        {
            await using (var writer = await connection.BeginBinaryImportAsync(CopyNew, token).ConfigureAwait(false))
            {
                foreach (var item in batch)
                {
                    await WriteRowAsync(writer, item, token).ConfigureAwait(false);
                    await writer.WriteAsync(feed, NpgsqlDbType.Text, token).ConfigureAwait(false);
                }
                await writer.CompleteAsync(token).ConfigureAwait(false);
            }
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return false; // the transaction rolls back on dispose
        }

        await using (var coverage = new NpgsqlCommand(AddCoverage, connection, transaction))
        {
            AddSpans(coverage.Parameters, spans, withCounts: true);
            await coverage.ExecuteNonQueryAsync(token).ConfigureAwait(false);
        }
        if (info.Path == StoragePath.Timescale)
        {
            await using var dirty = new NpgsqlCommand(MarkSpansDirty, connection, transaction);
            AddSpans(dirty.Parameters, spans, withCounts: false);
            await dirty.ExecuteNonQueryAsync(token).ConfigureAwait(false);
        }
        await transaction.CommitAsync(token).ConfigureAwait(false);
        return true;
    }

    /// <summary>The general path: stage the batch, then INSERT ... ON CONFLICT writing only rows whose values differ.</summary>
    private static async Task<(int Inserted, int Corrected)> MergeAsync(NpgsqlConnection connection, List<SymbolBar> batch, string feed, StorageInfo info, CancellationToken token)
    {
        await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
        if (info.Path == StoragePath.Timescale)
        {
            // Re-fetching old sessions rewrites compressed chunks; TimescaleDB's default cap on
            // tuples decompressed per transaction would fail such a batch for good.
            await using var unlimited = new NpgsqlCommand("SET LOCAL timescaledb.max_tuples_decompressed_per_dml_transaction = 0", connection, transaction);
            await unlimited.ExecuteNonQueryAsync(token).ConfigureAwait(false);
        }
        await using (var create = new NpgsqlCommand(CreateStage, connection, transaction))
            await create.ExecuteNonQueryAsync(token).ConfigureAwait(false);

        await using (var writer = await connection.BeginBinaryImportAsync(CopyStage, token).ConfigureAwait(false))
        {
            foreach (var item in batch) await WriteRowAsync(writer, item, token).ConfigureAwait(false);
            await writer.CompleteAsync(token).ConfigureAwait(false);
        }

        await using var merge = new NpgsqlCommand(Merge(info.Path), connection, transaction);
        merge.Parameters.AddWithValue("feed", feed);
        (int, int) counts;
        await using (var reader = await merge.ExecuteReaderAsync(token).ConfigureAwait(false))
        {
            await reader.ReadAsync(token).ConfigureAwait(false);
            counts = (reader.GetInt32(0), reader.GetInt32(1));
        }
        await transaction.CommitAsync(token).ConfigureAwait(false);
        return counts;
    }

    // The nine bar columns, in the order of both COPY statements (and of the upsert benchmark's baseline).
    internal static async Task WriteRowAsync(NpgsqlBinaryImporter writer, SymbolBar item, CancellationToken token)
    {
        var bar = item.Bar;
        await writer.StartRowAsync(token).ConfigureAwait(false);
        await writer.WriteAsync(item.Symbol.Value, NpgsqlDbType.Text, token).ConfigureAwait(false);
        await writer.WriteAsync(bar.Timestamp, NpgsqlDbType.TimestampTz, token).ConfigureAwait(false);
        await writer.WriteAsync(bar.Open, NpgsqlDbType.Numeric, token).ConfigureAwait(false);
        await writer.WriteAsync(bar.High, NpgsqlDbType.Numeric, token).ConfigureAwait(false);
        await writer.WriteAsync(bar.Low, NpgsqlDbType.Numeric, token).ConfigureAwait(false);
        await writer.WriteAsync(bar.Close, NpgsqlDbType.Numeric, token).ConfigureAwait(false);
        await writer.WriteAsync(bar.Volume, NpgsqlDbType.Bigint, token).ConfigureAwait(false);
        await writer.WriteAsync(bar.TradeCount, NpgsqlDbType.Bigint, token).ConfigureAwait(false);
        await writer.WriteAsync(bar.Vwap, NpgsqlDbType.Numeric, token).ConfigureAwait(false);
    }

    private static void AddSpans(NpgsqlParameterCollection parameters, List<(string Symbol, DateTime First, DateTime Last, long Count)> spans, bool withCounts)
    {
        parameters.Add(new NpgsqlParameter<string[]>("symbols", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. spans.Select(s => s.Symbol)] });
        parameters.Add(new NpgsqlParameter<DateTime[]>("firsts", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = [.. spans.Select(s => s.First)] });
        parameters.Add(new NpgsqlParameter<DateTime[]>("lasts", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = [.. spans.Select(s => s.Last)] });
        if (withCounts) parameters.Add(new NpgsqlParameter<long[]>("counts", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. spans.Select(s => s.Count)] });
    }

    /// <summary>Every symbol stored or tracked, by name; only the tracked ones (or only the others) when <paramref name="tracked"/> says so.</summary>
    public Task<IReadOnlyList<SymbolCoverage>> GetSymbolsAsync(bool? tracked = null, CancellationToken cancellationToken = default) =>
        QueryCoverageAsync(null, tracked, cancellationToken);

    /// <summary>Coverage of one symbol, or null when it is neither stored nor tracked.</summary>
    public async Task<SymbolCoverage?> GetSymbolAsync(Symbol symbol, CancellationToken cancellationToken = default) =>
        (await QueryCoverageAsync(symbol.Value, null, cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    private async Task<IReadOnlyList<SymbolCoverage>> QueryCoverageAsync(string? symbol, bool? tracked, CancellationToken cancellationToken)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync<IReadOnlyList<SymbolCoverage>>(async token =>
        {
            var symbols = new List<SymbolCoverage>();
            await using var command = dataSource.CreateCommand("""
                SELECT k.symbol, s.first_ts, s.last_ts, coalesce(s.bar_count, 0), coalesce(l.sessions, 0)::int, l.last_fetched, t.symbol IS NOT NULL,
                       coalesce(t.trades, false), coalesce(t.quotes, false)
                FROM (SELECT symbol FROM symbols UNION SELECT symbol FROM tracked_symbols) k
                LEFT JOIN symbols s ON s.symbol = k.symbol
                LEFT JOIN tracked_symbols t ON t.symbol = k.symbol
                LEFT JOIN LATERAL (SELECT count(DISTINCT session_date) AS sessions, max(fetched_at) AS last_fetched
                                   FROM ingest_ledger WHERE symbol = k.symbol AND dataset = 'bars') l ON true
                WHERE (@symbol::text IS NULL OR k.symbol = @symbol)
                  AND (@tracked::boolean IS NULL OR (t.symbol IS NOT NULL) = @tracked)
                ORDER BY k.symbol
                """);
            command.Parameters.AddWithValue("symbol", (object?)symbol ?? DBNull.Value);
            command.Parameters.AddWithValue("tracked", (object?)tracked ?? DBNull.Value);
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            while (await reader.ReadAsync(token).ConfigureAwait(false))
            {
                symbols.Add(new SymbolCoverage(reader.GetString(0),
                    reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1),
                    reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                    reader.GetInt64(3), reader.GetInt32(4),
                    reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                    reader.GetBoolean(6), reader.GetBoolean(7), reader.GetBoolean(8)));
            }
            return symbols;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Why <paramref name="bar"/> cannot be stored as a 1-minute bar, or null when it can: what
    /// <see cref="UpsertAsync(IReadOnlyList{SymbolBar}, string, CancellationToken)"/> refuses a
    /// batch for, so a caller that must not lose a whole batch (the live stream) can leave such
    /// bars out first.
    /// </summary>
    public static string? ProblemOf(Bar bar) =>
        bar.Validate() ?? ((bar.Timestamp.Ticks % TimeSpan.TicksPerMinute) != 0 ? "timestamp must be on a whole minute" : null);

    /// <summary>Checks every bar and keeps the last of duplicates (the same minute twice in one batch), sorted by symbol and time.</summary>
    internal static List<SymbolBar> ValidateAndDeduplicate(IReadOnlyList<SymbolBar> bars)
    {
        var unique = new Dictionary<(string, DateTimeOffset), SymbolBar>(bars.Count);
        for (var i = 0; i < bars.Count; i++)
        {
            var item = bars[i];
            if (ProblemOf(item.Bar) is { } problem)
            {
                throw new BarValidationException(
                    $"bar {i} ({item.Symbol} {item.Bar.Timestamp:yyyy-MM-ddTHH:mm:ssZ}) is invalid: {problem}; nothing from this batch of {bars.Count} was written");
            }
            unique[(item.Symbol.Value, item.Bar.Timestamp)] = item;
        }
        var sorted = unique.Values.ToList();
        sorted.Sort(static (a, b) =>
        {
            var bySymbol = string.CompareOrdinal(a.Symbol.Value, b.Symbol.Value);
            return bySymbol != 0 ? bySymbol : a.Bar.Timestamp.CompareTo(b.Bar.Timestamp);
        });
        return sorted;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Upserted {Count} bars: {Inserted} inserted, {Corrected} corrected, {Unchanged} unchanged")]
    private partial void LogUpserted(int count, int inserted, int corrected, int unchanged);

    /// <summary>
    /// Deletes a symbol's minutes in [<paramref name="from"/>, <paramref name="to"/>) (one
    /// statement: all or none) and returns how many: the hot store's retention, once the archive
    /// holds the session. The derived intervals follow through the aggregates' refresh.
    /// </summary>
    public async Task<int> DeleteMinutesAsync(Symbol symbol, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync(async token =>
        {
            await using var command = dataSource.CreateCommand("DELETE FROM bars_1m WHERE symbol = @symbol AND ts >= @from AND ts < @to");
            command.Parameters.AddWithValue("symbol", symbol.Value);
            command.Parameters.AddWithValue("from", from.UtcDateTime);
            command.Parameters.AddWithValue("to", to.UtcDateTime);
            return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The (symbol, New York date) of every session with minutes starting before <paramref name="before"/>:
    /// what the hot store still holds past its retention.
    /// </summary>
    public async Task<IReadOnlyList<(string Symbol, DateOnly Session)>> GetSessionsBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync<IReadOnlyList<(string, DateOnly)>>(async token =>
        {
            await using var command = dataSource.CreateCommand("""
                SELECT DISTINCT symbol, (ts AT TIME ZONE 'America/New_York')::date FROM bars_1m WHERE ts < @before ORDER BY 1, 2
                """);
            command.Parameters.AddWithValue("before", before.UtcDateTime);
            var sessions = new List<(string, DateOnly)>();
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            while (await reader.ReadAsync(token).ConfigureAwait(false))
                sessions.Add((reader.GetString(0), reader.GetFieldValue<DateOnly>(1)));
            return sessions;
        }, cancellationToken).ConfigureAwait(false);
    }
}
