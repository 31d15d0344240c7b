using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using StockPlatform.ServiceDefaults.Logging.Shipping;
using StockPlatform.Storage.Infrastructure;
using StockPlatform.Storage.Schema;

namespace StockPlatform.Storage.Logs;

/// <summary>
/// The central log store (<c>logs</c>): the shipped records of every service, written a batch at
/// a time with binary COPY, read newest first with filters and keyset paging, and followed by id
/// for the live tail.
/// </summary>
public sealed partial class LogStore(NpgsqlDataSource dataSource, StorageSchema schema, DbRetry retry, ILogger<LogStore> logger) : ILogBatchWriter
{
    private const string Columns = "id, ts, level, agent, instance, category, symbol, stage, message, trace_id, span_id, exception, props::text";

    private const string Copy =
        "COPY logs (ts, level, agent, instance, category, symbol, stage, message, trace_id, span_id, exception, props) FROM STDIN (FORMAT BINARY)";

    /// <summary>Writes a batch of records in one COPY: all or nothing.</summary>
    public async Task WriteAsync(IReadOnlyList<LogRecord> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0) return;
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CopyAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (IsBadRow(ex) && batch.Count > 1)
        {
            // One record the server refuses must not hold back the others for good: each goes on its own.
            foreach (var record in batch)
            {
                try
                {
                    await CopyAsync([record], cancellationToken).ConfigureAwait(false);
                }
                catch (PostgresException single) when (IsBadRow(single))
                {
                    LogRecordRefused(record.Category, single.MessageText);
                }
            }
        }
    }

    // Data exceptions (class 22: a value the type refuses) and program limits (54: too large).
    private static bool IsBadRow(PostgresException exception) =>
        exception.SqlState.StartsWith("22", StringComparison.Ordinal) || exception.SqlState.StartsWith("54", StringComparison.Ordinal);

    private async Task CopyAsync(IReadOnlyList<LogRecord> batch, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var importer = await connection.BeginBinaryImportAsync(Copy, cancellationToken).ConfigureAwait(false);
        foreach (var record in batch)
        {
            await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
            await importer.WriteAsync(record.Timestamp.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
            await importer.WriteAsync((short)record.Level, NpgsqlDbType.Smallint, cancellationToken).ConfigureAwait(false);
            await WriteTextAsync(importer, record.Agent, cancellationToken).ConfigureAwait(false);
            await WriteTextAsync(importer, record.Instance, cancellationToken).ConfigureAwait(false);
            await WriteTextAsync(importer, record.Category, cancellationToken).ConfigureAwait(false);
            await WriteTextAsync(importer, record.Symbol, cancellationToken).ConfigureAwait(false);
            await WriteTextAsync(importer, record.Stage, cancellationToken).ConfigureAwait(false);
            await WriteTextAsync(importer, record.Message, cancellationToken).ConfigureAwait(false);
            await WriteTextAsync(importer, record.TraceId, cancellationToken).ConfigureAwait(false);
            await WriteTextAsync(importer, record.SpanId, cancellationToken).ConfigureAwait(false);
            await WriteTextAsync(importer, record.Exception, cancellationToken).ConfigureAwait(false);
            if (record.Props is null) await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
            else await importer.WriteAsync(StoredText.Json(record.Props), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
        }
        await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    private static Task WriteTextAsync(NpgsqlBinaryImporter importer, string? value, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(StoredText.Text(value), NpgsqlDbType.Text, cancellationToken);

    /// <summary>A page of records matching <paramref name="query"/>, newest first.</summary>
    public async Task<LogPage> QueryAsync(LogQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        var sql = new StringBuilder($"SELECT {Columns} FROM logs WHERE true");
        var parameters = new List<NpgsqlParameter>();
        void Where(string condition, params NpgsqlParameter[] values)
        {
            sql.Append(" AND ").Append(condition);
            parameters.AddRange(values);
        }

        // Only the filters given, so each read's plan can use the index that fits it.
        if (query.Agent is not null) Where("agent = @agent", new NpgsqlParameter<string>("agent", query.Agent));
        if (query.MinLevel > LogLevel.Trace) Where("level >= @level", new NpgsqlParameter<short>("level", (short)query.MinLevel));
        if (query.Symbol is not null) Where("symbol = @symbol", new NpgsqlParameter<string>("symbol", query.Symbol));
        if (query.Since is { } since) Where("ts >= @since", new NpgsqlParameter<DateTimeOffset>("since", since.ToUniversalTime()));
        if (query.Until is { } until) Where("ts < @until", new NpgsqlParameter<DateTimeOffset>("until", until.ToUniversalTime()));
        if (query.Text is not null) Where("message ILIKE @pattern", new NpgsqlParameter<string>("pattern", "%" + EscapeLike(query.Text) + "%"));
        if (query.Before is { } before)
        {
            Where("(ts, id) < (@before_ts, @before_id)",
                new NpgsqlParameter<DateTimeOffset>("before_ts", before.Timestamp.ToUniversalTime()), new NpgsqlParameter<long>("before_id", before.Id));
        }
        sql.Append(" ORDER BY ts DESC, id DESC LIMIT @limit");
        parameters.Add(new NpgsqlParameter<int>("limit", query.Limit + 1));

        var rows = await retry.ExecuteAsync(async token =>
        {
            await using var command = dataSource.CreateCommand(sql.ToString());
            // A retry builds its parameters anew: a parameter belongs to one command.
            foreach (var parameter in parameters) command.Parameters.Add(parameter.Clone());
            return await ReadAsync(command, token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        var more = rows.Count > query.Limit;
        if (more) rows.RemoveAt(rows.Count - 1);
        return new LogPage(rows, more);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> records with ids above <paramref name="lastId"/>, in id order:
    /// what was written since. Not retried (its caller polls), so a failure costs one poll.
    /// </summary>
    public async Task<IReadOnlyList<StoredLog>> AfterIdAsync(long lastId, int limit, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM logs WHERE id > @last ORDER BY id LIMIT @limit");
        command.Parameters.Add(new NpgsqlParameter<long>("last", lastId));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The highest id written so far (0 when none): where a tail that replays nothing starts.</summary>
    public async Task<long> LatestIdAsync(CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        await using var command = dataSource.CreateCommand("SELECT coalesce(max(id), 0) FROM logs");
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// Deletes the records logged before <paramref name="cutoff"/>, a slice at a time (short
    /// transactions, no long lock), and returns how many. The plain path's retention; TimescaleDB
    /// drops whole chunks instead.
    /// </summary>
    public async Task<long> DeleteOlderThanAsync(DateTimeOffset cutoff, int slice = 10_000, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        long total = 0;
        while (true)
        {
            var deleted = await retry.ExecuteAsync(async token =>
            {
                await using var command = dataSource.CreateCommand("DELETE FROM logs WHERE id IN (SELECT id FROM logs WHERE ts < @cutoff LIMIT @slice)");
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("cutoff", cutoff.ToUniversalTime()));
                command.Parameters.Add(new NpgsqlParameter<int>("slice", slice));
                return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            total += deleted;
            if (deleted < slice) return total;
        }
    }

    private static async Task<List<StoredLog>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<StoredLog>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            string? Text(int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
            rows.Add(new StoredLog(
                reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), (LogLevel)reader.GetInt16(2),
                reader.GetString(3), Text(4), reader.GetString(5), Text(6), Text(7), reader.GetString(8), Text(9), Text(10), Text(11), Text(12)));
        }
        return rows;
    }

    // LIKE's escape character is the backslash: the client's %, _ and \ match themselves.
    private static string EscapeLike(string text) =>
        text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A log record of {Category} was refused by the log store and skipped: {Reason}")]
    private partial void LogRecordRefused(string category, string reason);
}
