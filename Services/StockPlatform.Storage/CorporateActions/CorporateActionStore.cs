using Npgsql;
using NpgsqlTypes;
using StockPlatform.Storage.Infrastructure;
using StockPlatform.Storage.Schema;

namespace StockPlatform.Storage.CorporateActions;

/// <summary>
/// The corporate actions fetched for each symbol (replaced by id on every refresh) and when each
/// symbol was last refreshed; read-time adjustment takes its factors from here.
/// </summary>
public sealed class CorporateActionStore(NpgsqlDataSource dataSource, StorageSchema schema, DbRetry retry)
{
    private const string Columns = "id, symbol, type, ex_date, process_date, old_rate, new_rate, rate, reference_close, price_factor, volume_factor, fields";

    /// <summary>
    /// Stores the actions of one refresh of <paramref name="symbols"/> over ex-dates [start, end]
    /// and records the refresh, in one transaction: an action Alpaca no longer reports in that
    /// window (cancelled, corrected to another id) is removed.
    /// </summary>
    public async Task ReplaceAsync(IReadOnlyList<string> symbols, DateOnly start, DateOnly end, IReadOnlyList<StoredCorporateAction> actions, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        await retry.ExecuteAsync(async token =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
            await using (var delete = new NpgsqlCommand(
                "DELETE FROM corporate_actions WHERE symbol = ANY(@symbols) AND ex_date BETWEEN @start AND @end AND NOT (id = ANY(@ids))", connection, transaction))
            {
                delete.Parameters.Add(new NpgsqlParameter<string[]>("symbols", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. symbols] });
                delete.Parameters.AddWithValue("start", start);
                delete.Parameters.AddWithValue("end", end);
                delete.Parameters.Add(new NpgsqlParameter<string[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. actions.Select(a => a.Id)] });
                await delete.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            }
            foreach (var action in actions)
            {
                await using var upsert = new NpgsqlCommand($"""
                    INSERT INTO corporate_actions ({Columns}, fetched_at)
                    VALUES (@id, @symbol, @type, @ex_date, @process_date, @old_rate, @new_rate, @rate, @reference_close, @price_factor, @volume_factor, @fields, now())
                    ON CONFLICT (id) DO UPDATE SET symbol = EXCLUDED.symbol, type = EXCLUDED.type, ex_date = EXCLUDED.ex_date,
                        process_date = EXCLUDED.process_date, old_rate = EXCLUDED.old_rate, new_rate = EXCLUDED.new_rate, rate = EXCLUDED.rate,
                        reference_close = EXCLUDED.reference_close, price_factor = EXCLUDED.price_factor, volume_factor = EXCLUDED.volume_factor,
                        fields = EXCLUDED.fields, fetched_at = now()
                    """, connection, transaction);
                upsert.Parameters.AddWithValue("id", action.Id);
                upsert.Parameters.AddWithValue("symbol", action.Symbol);
                upsert.Parameters.AddWithValue("type", action.Type);
                upsert.Parameters.AddWithValue("ex_date", NpgsqlDbType.Date, (object?)action.ExDate ?? DBNull.Value);
                upsert.Parameters.AddWithValue("process_date", NpgsqlDbType.Date, (object?)action.ProcessDate ?? DBNull.Value);
                upsert.Parameters.AddWithValue("old_rate", NpgsqlDbType.Numeric, (object?)action.OldRate ?? DBNull.Value);
                upsert.Parameters.AddWithValue("new_rate", NpgsqlDbType.Numeric, (object?)action.NewRate ?? DBNull.Value);
                upsert.Parameters.AddWithValue("rate", NpgsqlDbType.Numeric, (object?)action.Rate ?? DBNull.Value);
                upsert.Parameters.AddWithValue("reference_close", NpgsqlDbType.Numeric, (object?)action.ReferenceClose ?? DBNull.Value);
                upsert.Parameters.AddWithValue("price_factor", NpgsqlDbType.Numeric, (object?)action.PriceFactor ?? DBNull.Value);
                upsert.Parameters.AddWithValue("volume_factor", NpgsqlDbType.Numeric, (object?)action.VolumeFactor ?? DBNull.Value);
                upsert.Parameters.AddWithValue("fields", NpgsqlDbType.Jsonb, action.FieldsJson);
                await upsert.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            }
            await using (var refresh = new NpgsqlCommand("""
                INSERT INTO corporate_action_refreshes (symbol, start_date, end_date, refreshed_at)
                SELECT s, @start, @end, now() FROM unnest(@symbols) AS s
                ON CONFLICT (symbol) DO UPDATE SET
                    start_date = LEAST(corporate_action_refreshes.start_date, EXCLUDED.start_date),
                    end_date = GREATEST(corporate_action_refreshes.end_date, EXCLUDED.end_date),
                    refreshed_at = now()
                """, connection, transaction))
            {
                refresh.Parameters.Add(new NpgsqlParameter<string[]>("symbols", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. symbols] });
                refresh.Parameters.AddWithValue("start", start);
                refresh.Parameters.AddWithValue("end", end);
                await refresh.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            }
            await transaction.CommitAsync(token).ConfigureAwait(false);
            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The symbol's stored actions with an ex-date in [start, end] (any when null), by ex-date.</summary>
    public async Task<IReadOnlyList<StoredCorporateAction>> GetAsync(string symbol, DateOnly? start = null, DateOnly? end = null, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync<IReadOnlyList<StoredCorporateAction>>(async token =>
        {
            await using var command = dataSource.CreateCommand($"""
                SELECT {Columns}, fetched_at FROM corporate_actions
                WHERE symbol = @symbol AND (@start::date IS NULL OR ex_date >= @start) AND (@end::date IS NULL OR ex_date <= @end)
                ORDER BY ex_date, type, id
                """);
            command.Parameters.AddWithValue("symbol", symbol);
            command.Parameters.AddWithValue("start", NpgsqlDbType.Date, (object?)start ?? DBNull.Value);
            command.Parameters.AddWithValue("end", NpgsqlDbType.Date, (object?)end ?? DBNull.Value);
            var actions = new List<StoredCorporateAction>();
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            while (await reader.ReadAsync(token).ConfigureAwait(false))
            {
                actions.Add(new StoredCorporateAction(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                    NullableDate(reader, 3), NullableDate(reader, 4), NullableDecimal(reader, 5), NullableDecimal(reader, 6),
                    NullableDecimal(reader, 7), NullableDecimal(reader, 8), NullableDecimal(reader, 9), NullableDecimal(reader, 10),
                    reader.GetString(11)) { FetchedAt = reader.GetFieldValue<DateTimeOffset>(12) });
            }
            return actions;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>When the symbol's actions were last refreshed, or null if never.</summary>
    public async Task<CorporateActionRefresh?> GetRefreshAsync(string symbol, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync(async token =>
        {
            await using var command = dataSource.CreateCommand(
                "SELECT start_date, end_date, refreshed_at FROM corporate_action_refreshes WHERE symbol = @symbol");
            command.Parameters.AddWithValue("symbol", symbol);
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            return await reader.ReadAsync(token).ConfigureAwait(false)
                ? new CorporateActionRefresh(symbol, reader.GetFieldValue<DateOnly>(0), reader.GetFieldValue<DateOnly>(1), reader.GetFieldValue<DateTimeOffset>(2))
                : null;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// An adjuster for the symbol's stored actions with an ex-date up to <paramref name="asOf"/>
    /// (today: an action announced for a later ex-date changes nothing yet, as on Alpaca).
    /// </summary>
    public async Task<BarAdjuster> GetAdjusterAsync(string symbol, AdjustmentMode mode, DateOnly asOf, CancellationToken cancellationToken = default) =>
        new(mode == AdjustmentMode.Raw ? [] : await GetAsync(symbol, end: asOf, cancellationToken: cancellationToken).ConfigureAwait(false), mode);

    private static DateOnly? NullableDate(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateOnly>(ordinal);

    private static decimal? NullableDecimal(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDecimal(ordinal);
}
