using Npgsql;
using NpgsqlTypes;
using StockPlatform.Storage.Infrastructure;
using StockPlatform.Storage.Schema;

namespace StockPlatform.Storage.Tracking;

/// <summary>
/// A range of a tracked symbol's minutes the live updater has yet to fetch and store (a row of
/// <c>live_refills</c>). <see cref="From"/> null: from the session's open; <see cref="To"/> null: up
/// to the first minute streamed on the connection that recorded it.
/// </summary>
public sealed record LiveRefill(long Id, string Symbol, DateTimeOffset? From, DateTimeOffset? To);

/// <summary>
/// The live updater's pending refills (<c>live_refills</c>), so that a fill under way survives the
/// process: recorded before the minutes after the hole are stored, deleted once the hole's are.
/// Untracking a symbol drops its rows.
/// </summary>
public sealed class LiveRefillStore(NpgsqlDataSource dataSource, StorageSchema schema, DbRetry retry)
{
    /// <summary>
    /// Records a pending refill of <paramref name="symbol"/> and returns it, first, with every
    /// other one still pending for that symbol (oldest first); empty when the symbol is not tracked
    /// (there is nothing to keep current).
    /// </summary>
    public async Task<IReadOnlyList<LiveRefill>> RecordAsync(string symbol, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync<IReadOnlyList<LiveRefill>>(async token =>
        {
            // One statement: the rows already pending are those the new one's fill may also cover
            // (the snapshot does not show the new row, hence the union).
            await using var command = dataSource.CreateCommand("""
                WITH added AS (
                    INSERT INTO live_refills (symbol, from_ts, to_ts)
                    SELECT @symbol, @from, @to WHERE EXISTS (SELECT 1 FROM tracked_symbols WHERE symbol = @symbol)
                    RETURNING id, symbol, from_ts, to_ts)
                SELECT id, symbol, from_ts, to_ts, true AS added FROM added
                UNION ALL
                SELECT id, symbol, from_ts, to_ts, false FROM live_refills WHERE symbol = @symbol AND EXISTS (SELECT 1 FROM added)
                ORDER BY added DESC, id
                """);
            command.Parameters.AddWithValue("symbol", symbol);
            command.Parameters.AddWithValue("from", NpgsqlDbType.TimestampTz, (object?)from ?? DBNull.Value);
            command.Parameters.AddWithValue("to", NpgsqlDbType.TimestampTz, (object?)to ?? DBNull.Value);
            return await ReadAsync(command, token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The refills pending for a symbol, or for every symbol when null, oldest first.</summary>
    public async Task<IReadOnlyList<LiveRefill>> ListAsync(string? symbol = null, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync<IReadOnlyList<LiveRefill>>(async token =>
        {
            await using var command = dataSource.CreateCommand(
                "SELECT id, symbol, from_ts, to_ts FROM live_refills WHERE @symbol::text IS NULL OR symbol = @symbol ORDER BY id");
            command.Parameters.AddWithValue("symbol", NpgsqlDbType.Text, (object?)symbol ?? DBNull.Value);
            return await ReadAsync(command, token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes refills whose minutes are stored; ids already gone are skipped. Returns how many went.</summary>
    public async Task<int> ClearAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken = default)
    {
        if (ids.Count == 0) return 0;
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync(async token =>
        {
            await using var command = dataSource.CreateCommand("DELETE FROM live_refills WHERE id = ANY(@ids)");
            command.Parameters.AddWithValue("ids", ids.ToArray());
            return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<LiveRefill>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var list = new List<LiveRefill>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            list.Add(new LiveRefill(reader.GetInt64(0), reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3)));
        return list;
    }
}
