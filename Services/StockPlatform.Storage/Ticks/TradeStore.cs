using Npgsql;
using NpgsqlTypes;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Infrastructure;
using StockPlatform.Storage.Schema;

namespace StockPlatform.Storage.Ticks;

/// <summary>
/// Trades: idempotent bulk inserts keyed by (symbol, time, exchange, trade id), keyset-paged
/// reads in either direction, and the minute bars the stored trades make.
/// </summary>
public sealed class TradeStore(NpgsqlDataSource dataSource, StorageSchema schema, DbRetry retry)
{
    private const string Columns = "symbol, ts, ts_ns, exchange, trade_id, price, size, conditions, tape, feed";
    private const string Select = "SELECT ts, ts_ns, exchange, trade_id, price, size, conditions, tape FROM trades";

    /// <summary>
    /// Inserts trades of any symbols in one transaction and returns how many were new; trades
    /// already stored are left as they are. A batch with an invalid trade is refused whole.
    /// </summary>
    public async Task<int> InsertAsync(IReadOnlyList<SymbolTrade> trades, string feed, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(feed);
        if (trades.Count == 0) return 0;
        var rows = Validate(trades);
        var info = await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        var batch = new TickWriter.Batch<SymbolTrade>(rows, TickWriter.Spans(rows, r => r.Symbol.Value, r => r.Trade.Time.Microsecond.UtcDateTime));
        return await retry.ExecuteAsync<int>(token => new ValueTask<int>(TickWriter.WriteAsync(dataSource, info, "trades", Columns, Columns, batch,
            (writer, row, t) => WriteRowAsync(writer, row, feed, t), token)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Inserts one symbol's trades (see <see cref="InsertAsync(IReadOnlyList{SymbolTrade}, string, CancellationToken)"/>).</summary>
    public Task<int> InsertAsync(Symbol symbol, string feed, IReadOnlyList<Trade> trades, CancellationToken cancellationToken = default) =>
        InsertAsync(trades.Select(trade => new SymbolTrade(symbol, trade)).ToList(), feed, cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> trades of <paramref name="symbol"/> whose microsecond lies in
    /// [<paramref name="start"/>, <paramref name="end"/>], in time order (newest first when
    /// <paramref name="descending"/>), after <paramref name="after"/> in that order.
    /// </summary>
    public async Task<IReadOnlyList<Trade>> ReadAsync(Symbol symbol, DateTimeOffset start, DateTimeOffset end, int limit,
        Trade? after = null, bool descending = false, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        var order = descending ? "DESC" : "ASC";
        var sql = $"""
            {Select} WHERE symbol = @symbol AND ts BETWEEN @start AND @end
            {(after is null ? string.Empty : $"AND ts {(descending ? "<=" : ">=")} @ts AND (ts, ts_ns, exchange, trade_id) {(descending ? "<" : ">")} (@ts, @ns, @exchange, @id)")}
            ORDER BY ts {order}, ts_ns {order}, exchange {order}, trade_id {order} LIMIT @limit
            """;
        return await retry.ExecuteAsync<IReadOnlyList<Trade>>(async token =>
        {
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.AddWithValue("symbol", symbol.Value);
            command.Parameters.AddWithValue("start", start.UtcDateTime);
            command.Parameters.AddWithValue("end", end.UtcDateTime);
            command.Parameters.AddWithValue("limit", limit);
            if (after is not null)
            {
                command.Parameters.AddWithValue("ts", after.Time.Microsecond.UtcDateTime);
                command.Parameters.AddWithValue("ns", (short)after.Time.NanosecondOfMicrosecond);
                command.Parameters.AddWithValue("exchange", after.Exchange);
                command.Parameters.AddWithValue("id", after.Id);
            }
            var trades = new List<Trade>(Math.Min(limit, 10_000));
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            while (await reader.ReadAsync(token).ConfigureAwait(false))
            {
                trades.Add(new Trade(NanoTime.FromParts(reader.GetFieldValue<DateTimeOffset>(0), reader.GetInt16(1)),
                    reader.GetInt64(3), reader.GetString(2), reader.GetDecimal(4), reader.GetInt64(5),
                    reader.GetFieldValue<string[]>(6), reader.GetString(7)));
            }
            return trades;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The 1-minute bars the stored trades of [<paramref name="start"/>, <paramref name="end"/>)
    /// make: first and last price by time, extremes, summed sizes, the count, and the
    /// size-weighted price rounded to 6 decimals (as Alpaca's vwap). Every stored trade counts.
    /// </summary>
    public async Task<IReadOnlyList<Bar>> AggregateMinutesAsync(Symbol symbol, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync<IReadOnlyList<Bar>>(async token =>
        {
            await using var command = dataSource.CreateCommand("""
                SELECT date_trunc('minute', ts) AS minute,
                       (array_agg(price ORDER BY ts, ts_ns, trade_id))[1],
                       max(price), min(price),
                       (array_agg(price ORDER BY ts DESC, ts_ns DESC, trade_id DESC))[1],
                       sum(size)::bigint, count(*),
                       round(sum(price * size) / nullif(sum(size), 0), 6)
                FROM trades WHERE symbol = @symbol AND ts >= @start AND ts < @end
                GROUP BY 1 ORDER BY 1
                """);
            command.Parameters.AddWithValue("symbol", symbol.Value);
            command.Parameters.AddWithValue("start", start.UtcDateTime);
            command.Parameters.AddWithValue("end", end.UtcDateTime);
            var bars = new List<Bar>();
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            while (await reader.ReadAsync(token).ConfigureAwait(false))
            {
                bars.Add(new Bar(reader.GetFieldValue<DateTimeOffset>(0), reader.GetDecimal(1), reader.GetDecimal(2), reader.GetDecimal(3),
                    reader.GetDecimal(4), reader.GetInt64(5), reader.GetInt64(6), reader.IsDBNull(7) ? 0m : reader.GetDecimal(7)));
            }
            return bars;
        }, cancellationToken).ConfigureAwait(false);
    }

    private static List<SymbolTrade> Validate(IReadOnlyList<SymbolTrade> trades)
    {
        var rows = new List<SymbolTrade>(trades.Count);
        for (var i = 0; i < trades.Count; i++)
        {
            if (trades[i].Trade.Validate() is { } problem)
                throw new BarValidationException($"trade {i} ({trades[i].Symbol} {trades[i].Trade.Time}) is invalid: {problem}; nothing from this batch of {trades.Count} was written");
            rows.Add(trades[i]);
        }
        rows.Sort(static (a, b) =>
        {
            var bySymbol = string.CompareOrdinal(a.Symbol.Value, b.Symbol.Value);
            return bySymbol != 0 ? bySymbol : a.Trade.Time.CompareTo(b.Trade.Time);
        });
        return rows;
    }

    // The ten columns of Columns, in order (the write benchmark's plain COPY baseline writes the same).
    internal static async Task WriteRowAsync(NpgsqlBinaryImporter writer, SymbolTrade row, string feed, CancellationToken token)
    {
        var trade = row.Trade;
        await writer.StartRowAsync(token).ConfigureAwait(false);
        await writer.WriteAsync(row.Symbol.Value, NpgsqlDbType.Text, token).ConfigureAwait(false);
        await writer.WriteAsync(trade.Time.Microsecond.UtcDateTime, NpgsqlDbType.TimestampTz, token).ConfigureAwait(false);
        await writer.WriteAsync((short)trade.Time.NanosecondOfMicrosecond, NpgsqlDbType.Smallint, token).ConfigureAwait(false);
        await writer.WriteAsync(trade.Exchange, NpgsqlDbType.Text, token).ConfigureAwait(false);
        await writer.WriteAsync(trade.Id, NpgsqlDbType.Bigint, token).ConfigureAwait(false);
        await writer.WriteAsync(trade.Price, NpgsqlDbType.Numeric, token).ConfigureAwait(false);
        await writer.WriteAsync(trade.Size, NpgsqlDbType.Bigint, token).ConfigureAwait(false);
        await writer.WriteAsync(trade.Conditions as string[] ?? [.. trade.Conditions], NpgsqlDbType.Array | NpgsqlDbType.Text, token).ConfigureAwait(false);
        await writer.WriteAsync(trade.Tape, NpgsqlDbType.Text, token).ConfigureAwait(false);
        await writer.WriteAsync(feed, NpgsqlDbType.Text, token).ConfigureAwait(false);
    }
}
