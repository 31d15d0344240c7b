using Npgsql;
using StockPlatform.Archive.Partitions;
using StockPlatform.Storage.Infrastructure;
using StockPlatform.Storage.Schema;

namespace StockPlatform.Archive.Catalog;

/// <summary>A partition as <c>archive_partitions</c> records it.</summary>
public sealed record ArchivedPartition(string Dataset, string Symbol, DateOnly Session, string Path, int Rows, DateTimeOffset? First, DateTimeOffset? Last, long Bytes, string Sha256, DateTimeOffset WrittenAt);

/// <summary>The archive's index in PostgreSQL: one row per partition, replaced when the partition is rewritten.</summary>
public sealed class ArchivePartitionStore(NpgsqlDataSource dataSource, StorageSchema schema, DbRetry retry)
{
    public async Task RecordAsync(string dataset, string symbol, DateOnly session, string relativePath, WrittenPartition written, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        await retry.ExecuteAsync(async token =>
        {
            await using var command = dataSource.CreateCommand("""
                INSERT INTO archive_partitions (dataset, symbol, session_date, path, row_count, first_ts, last_ts, bytes, sha256)
                VALUES (@dataset, @symbol, @session, @path, @rows, @first, @last, @bytes, @sha256)
                ON CONFLICT (dataset, symbol, session_date) DO UPDATE SET
                    path = excluded.path, row_count = excluded.row_count, first_ts = excluded.first_ts, last_ts = excluded.last_ts,
                    bytes = excluded.bytes, sha256 = excluded.sha256, written_at = now()
                """);
            command.Parameters.AddWithValue("dataset", dataset);
            command.Parameters.AddWithValue("symbol", symbol);
            command.Parameters.AddWithValue("session", session);
            command.Parameters.AddWithValue("path", relativePath);
            command.Parameters.AddWithValue("rows", written.Rows);
            command.Parameters.AddWithValue("first", (object?)written.First?.UtcDateTime ?? DBNull.Value);
            command.Parameters.AddWithValue("last", (object?)written.Last?.UtcDateTime ?? DBNull.Value);
            command.Parameters.AddWithValue("bytes", written.Bytes);
            command.Parameters.AddWithValue("sha256", written.Sha256);
            return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A symbol's partitions of a dataset (every symbol's when null; <c>features</c> takes in every
    /// set and version), by symbol and session; only <paramref name="session"/>'s when given.
    /// </summary>
    public async Task<IReadOnlyList<ArchivedPartition>> ListAsync(string dataset, string? symbol = null, DateOnly? session = null, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync<IReadOnlyList<ArchivedPartition>>(async token =>
        {
            await using var command = dataSource.CreateCommand("""
                SELECT dataset, symbol, session_date, path, row_count, first_ts, last_ts, bytes, sha256, written_at
                FROM archive_partitions WHERE (dataset = @dataset OR dataset LIKE @dataset || ':%') AND (@symbol::text IS NULL OR symbol = @symbol)
                  AND (@session::date IS NULL OR session_date = @session)
                ORDER BY dataset, symbol, session_date
                """);
            command.Parameters.AddWithValue("dataset", dataset);
            command.Parameters.AddWithValue("symbol", (object?)symbol ?? DBNull.Value);
            command.Parameters.AddWithValue("session", NpgsqlTypes.NpgsqlDbType.Date, (object?)session ?? DBNull.Value);
            var partitions = new List<ArchivedPartition>();
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            while (await reader.ReadAsync(token).ConfigureAwait(false))
            {
                partitions.Add(new ArchivedPartition(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateOnly>(2), reader.GetString(3),
                    reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                    reader.GetInt64(7), reader.GetString(8), reader.GetFieldValue<DateTimeOffset>(9)));
            }
            return partitions;
        }, cancellationToken).ConfigureAwait(false);
    }
}
