using Npgsql;
using NpgsqlTypes;
using StockPlatform.Storage.Schema;

namespace StockPlatform.Storage.Ticks;

/// <summary>
/// Idempotent bulk writes of immutable tick rows (trades, quotes): binary COPY straight into the
/// table when none of the batch's symbols has a stored row in the batch's span (a backfill's
/// usual case), else COPY into a stage table and one INSERT ... ON CONFLICT DO NOTHING. Either
/// way one transaction, and a row already stored is never written again.
/// </summary>
internal static class TickWriter
{
    /// <summary>One batch: the rows sorted by symbol and time, and each symbol's first and last microsecond.</summary>
    public sealed record Batch<TRow>(IReadOnlyList<TRow> Rows, IReadOnlyList<(string Symbol, DateTime First, DateTime Last)> Spans);

    /// <summary>Writes the batch; returns how many rows were new.</summary>
    public static async Task<int> WriteAsync<TRow>(
        NpgsqlDataSource dataSource, StorageInfo info, string table, string columns, string stageColumns,
        Batch<TRow> batch, Func<NpgsqlBinaryImporter, TRow, CancellationToken, Task> writeRow, CancellationToken token)
    {
        await using var connection = await dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
        if (info.Path == StoragePath.Timescale)
        {
            // A re-run over compressed chunks checks its keys against them; TimescaleDB's default
            // cap on tuples decompressed per transaction would fail a liquid day's batch for good.
            await using var unlimited = new NpgsqlCommand("SET LOCAL timescaledb.max_tuples_decompressed_per_dml_transaction = 0", connection, transaction);
            await unlimited.ExecuteNonQueryAsync(token).ConfigureAwait(false);
        }

        if (!await AnyStoredInSpanAsync(connection, transaction, table, batch.Spans, token).ConfigureAwait(false))
        {
            await transaction.SaveAsync("copy_new", token).ConfigureAwait(false);
            try
            {
                await CopyAsync(connection, $"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)", batch.Rows, writeRow, token).ConfigureAwait(false);
                await transaction.CommitAsync(token).ConfigureAwait(false);
                return batch.Rows.Count;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // A concurrent writer stored some of these first: fall through to the merge.
                await transaction.RollbackAsync("copy_new", token).ConfigureAwait(false);
            }
        }

        var stage = table + "_stage";
        await using (var create = new NpgsqlCommand($"CREATE TEMP TABLE {stage} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP", connection, transaction))
            await create.ExecuteNonQueryAsync(token).ConfigureAwait(false);
        await CopyAsync(connection, $"COPY {stage} ({columns}) FROM STDIN (FORMAT BINARY)", batch.Rows, writeRow, token).ConfigureAwait(false);
        await using var insert = new NpgsqlCommand($"INSERT INTO {table} ({columns}) SELECT {stageColumns} FROM {stage} ON CONFLICT DO NOTHING", connection, transaction);
        var inserted = await insert.ExecuteNonQueryAsync(token).ConfigureAwait(false);
        await transaction.CommitAsync(token).ConfigureAwait(false);
        return inserted;
    }

    private static async Task<bool> AnyStoredInSpanAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string table,
        IReadOnlyList<(string Symbol, DateTime First, DateTime Last)> spans, CancellationToken token)
    {
        await using var check = new NpgsqlCommand($"""
            SELECT EXISTS (
                SELECT 1 FROM unnest(@symbols, @firsts, @lasts) AS r(symbol, first_ts, last_ts)
                JOIN {table} t ON t.symbol = r.symbol AND t.ts BETWEEN r.first_ts AND r.last_ts)
            """, connection, transaction);
        check.Parameters.Add(new NpgsqlParameter<string[]>("symbols", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. spans.Select(s => s.Symbol)] });
        check.Parameters.Add(new NpgsqlParameter<DateTime[]>("firsts", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = [.. spans.Select(s => s.First)] });
        check.Parameters.Add(new NpgsqlParameter<DateTime[]>("lasts", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = [.. spans.Select(s => s.Last)] });
        return (bool)(await check.ExecuteScalarAsync(token).ConfigureAwait(false))!;
    }

    private static async Task CopyAsync<TRow>(NpgsqlConnection connection, string copy, IReadOnlyList<TRow> rows,
        Func<NpgsqlBinaryImporter, TRow, CancellationToken, Task> writeRow, CancellationToken token)
    {
        await using var writer = await connection.BeginBinaryImportAsync(copy, token).ConfigureAwait(false);
        foreach (var row in rows) await writeRow(writer, row, token).ConfigureAwait(false);
        await writer.CompleteAsync(token).ConfigureAwait(false);
    }

    /// <summary>Each symbol's first and last microsecond in rows sorted by symbol and time.</summary>
    public static List<(string Symbol, DateTime First, DateTime Last)> Spans<TRow>(IReadOnlyList<TRow> rows, Func<TRow, string> symbol, Func<TRow, DateTime> time)
    {
        var spans = new List<(string, DateTime, DateTime)>();
        var i = 0;
        while (i < rows.Count)
        {
            var name = symbol(rows[i]);
            var first = time(rows[i]);
            var last = first;
            while (i < rows.Count && symbol(rows[i]) == name) last = time(rows[i++]);
            spans.Add((name, first, last));
        }
        return spans;
    }
}
