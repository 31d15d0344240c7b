using Npgsql;
using NpgsqlTypes;
using StockPlatform.Archive.Partitions;
using StockPlatform.Storage.Infrastructure;
using StockPlatform.Storage.Schema;

namespace StockPlatform.Archive.Catalog;

/// <summary>
/// A partition as <c>archive_partitions</c> records it: one symbol's session, in the file at
/// <see cref="Path"/> (a day file, or a month file that holds other sessions too). <see cref="Rows"/>,
/// <see cref="First"/>, <see cref="Last"/> and <see cref="RowsSha256"/> are the session's;
/// <see cref="Bytes"/> and <see cref="Sha256"/> the file's.
/// </summary>
public sealed record ArchivedPartition(string Dataset, string Symbol, DateOnly Session, string Path, int Rows, DateTimeOffset? First, DateTimeOffset? Last, long Bytes, string Sha256, DateTimeOffset WrittenAt, string? RowsSha256 = null)
{
    /// <summary>Whether the session lives in a month file (<see cref="BarPartitioning.Month"/>).</summary>
    public bool InMonthFile => ArchiveLayout.IsMonthFile(Path);
}

/// <summary>One session of a file being recorded: its rows, time range and <see cref="SessionChecksum"/>.</summary>
public sealed record RecordedSession(DateOnly Session, int Rows, DateTimeOffset? First, DateTimeOffset? Last, string? RowsSha256);

/// <summary>The archive's index in PostgreSQL: one row per partition (a symbol's session), replaced when it is rewritten.</summary>
public sealed class ArchivePartitionStore(NpgsqlDataSource dataSource, StorageSchema schema, DbRetry retry)
{
    private const string Upsert = """
        INSERT INTO archive_partitions (dataset, symbol, session_date, path, row_count, first_ts, last_ts, bytes, sha256, rows_sha256)
        VALUES (@dataset, @symbol, @session, @path, @rows, @first, @last, @bytes, @sha256, @rows_sha256)
        ON CONFLICT (dataset, symbol, session_date) DO UPDATE SET
            path = excluded.path, row_count = excluded.row_count, first_ts = excluded.first_ts, last_ts = excluded.last_ts,
            bytes = excluded.bytes, sha256 = excluded.sha256, rows_sha256 = excluded.rows_sha256, written_at = now()
        """;

    public Task RecordAsync(string dataset, string symbol, DateOnly session, string relativePath, WrittenPartition written, CancellationToken cancellationToken = default) =>
        RecordFileAsync(dataset, symbol, relativePath, written, [new RecordedSession(session, written.Rows, written.First, written.Last, written.RowsSha256)], cancellationToken);

    /// <summary>
    /// Records every session a file holds (a month file's: its file checksum and size changed for
    /// all of them), in one transaction, so the index never shows a month half old and half new.
    /// </summary>
    public async Task RecordFileAsync(string dataset, string symbol, string relativePath, WrittenPartition file, IReadOnlyList<RecordedSession> sessions, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        await retry.ExecuteAsync(async token =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
            var batch = new NpgsqlBatch(connection, transaction);
            await using var _ = batch.ConfigureAwait(false);
            foreach (var session in sessions)
            {
                var command = new NpgsqlBatchCommand(Upsert);
                command.Parameters.AddWithValue("dataset", dataset);
                command.Parameters.AddWithValue("symbol", symbol);
                command.Parameters.AddWithValue("session", session.Session);
                command.Parameters.AddWithValue("path", relativePath);
                command.Parameters.AddWithValue("rows", session.Rows);
                command.Parameters.AddWithValue("first", (object?)session.First?.UtcDateTime ?? DBNull.Value);
                command.Parameters.AddWithValue("last", (object?)session.Last?.UtcDateTime ?? DBNull.Value);
                command.Parameters.AddWithValue("bytes", file.Bytes);
                command.Parameters.AddWithValue("sha256", file.Sha256);
                command.Parameters.AddWithValue("rows_sha256", NpgsqlDbType.Text, (object?)session.RowsSha256 ?? DBNull.Value);
                batch.BatchCommands.Add(command);
            }
            var rows = await batch.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            await transaction.CommitAsync(token).ConfigureAwait(false);
            return rows;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A symbol's partitions of a dataset (every symbol's when null; <c>features</c> takes in every
    /// set and version), by symbol and session; only <paramref name="session"/>'s when given.
    /// </summary>
    public Task<IReadOnlyList<ArchivedPartition>> ListAsync(string dataset, string? symbol = null, DateOnly? session = null, CancellationToken cancellationToken = default) =>
        ListAsync(dataset, symbol, session, session, cancellationToken);

    /// <summary>A symbol's partitions of a dataset with sessions from <paramref name="from"/> to <paramref name="to"/> (inclusive; open when null).</summary>
    public async Task<IReadOnlyList<ArchivedPartition>> ListAsync(string dataset, string? symbol, DateOnly? from, DateOnly? to, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync<IReadOnlyList<ArchivedPartition>>(async token =>
        {
            await using var command = dataSource.CreateCommand("""
                SELECT dataset, symbol, session_date, path, row_count, first_ts, last_ts, bytes, sha256, written_at, rows_sha256
                FROM archive_partitions WHERE (dataset = @dataset OR dataset LIKE @dataset || ':%') AND (@symbol::text IS NULL OR symbol = @symbol)
                  AND (@from::date IS NULL OR session_date >= @from) AND (@to::date IS NULL OR session_date <= @to)
                ORDER BY dataset, symbol, session_date
                """);
            command.Parameters.AddWithValue("dataset", dataset);
            command.Parameters.AddWithValue("symbol", (object?)symbol ?? DBNull.Value);
            command.Parameters.AddWithValue("from", NpgsqlDbType.Date, (object?)from ?? DBNull.Value);
            command.Parameters.AddWithValue("to", NpgsqlDbType.Date, (object?)to ?? DBNull.Value);
            var partitions = new List<ArchivedPartition>();
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            while (await reader.ReadAsync(token).ConfigureAwait(false))
            {
                partitions.Add(new ArchivedPartition(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateOnly>(2), reader.GetString(3),
                    reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                    reader.GetInt64(7), reader.GetString(8), reader.GetFieldValue<DateTimeOffset>(9), reader.IsDBNull(10) ? null : reader.GetString(10)));
            }
            return partitions;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Holds a PostgreSQL advisory lock on <paramref name="relativePath"/> until disposed: a month
    /// file is read, merged and rewritten as a whole, so two writers of one month (two processes,
    /// or two sessions archived at once) would each drop the other's session.
    /// </summary>
    public async Task<IAsyncDisposable> LockFileAsync(string relativePath, CancellationToken cancellationToken = default)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using (var command = new NpgsqlCommand("SELECT pg_advisory_lock(hashtextextended('archive:' || @path, 0))", connection))
            {
                command.Parameters.AddWithValue("path", relativePath);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            return new FileLock(connection, relativePath);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private sealed class FileLock(NpgsqlConnection connection, string path) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended('archive:' || @path, 0))", connection);
                command.Parameters.AddWithValue("path", path);
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            finally
            {
                // A session lock ends with its connection anyway; the explicit unlock returns it to the pool clean.
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
