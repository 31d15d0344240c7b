using Npgsql;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Infrastructure;
using StockPlatform.Storage.Schema;

namespace StockPlatform.Storage.Ticks;

/// <summary>
/// What a span of one symbol's trades or quotes adds up to: the row count, the first and last
/// microsecond, and exact sums over every numeric column and over the exchange and tape codes
/// (their character codes) and the number of conditions. Two copies of the same rows (the hot
/// store and an archived partition) have equal fingerprints; one changed price, size, instant,
/// exchange or count of conditions shows. It costs one aggregate pass on each side, where
/// comparing row by row would read a liquid day's millions of rows through the client twice.
/// </summary>
/// <param name="Rows">Rows in the span.</param>
/// <param name="First">The earliest microsecond (null without rows).</param>
/// <param name="Last">The latest microsecond (null without rows).</param>
/// <param name="Nanoseconds">The nanoseconds past each microsecond (ts_ns), summed.</param>
/// <param name="Keys">Trades: the sum of trade ids; quotes: the sum of same-instant positions (seq).</param>
/// <param name="Sizes">Trades: sizes; quotes: bid plus ask sizes.</param>
/// <param name="Prices">Trades: prices; quotes: bid plus ask prices.</param>
/// <param name="Conditions">The number of condition codes of all rows.</param>
/// <param name="Codes">The character codes of the exchange(s) and the tape, summed.</param>
public sealed record TickFingerprint(long Rows, DateTimeOffset? First, DateTimeOffset? Last, decimal Nanoseconds, decimal Keys, decimal Sizes, decimal Prices, long Conditions, long Codes)
{
    /// <summary>
    /// The SELECT list that computes a fingerprint over the <c>trades</c> columns; written in SQL
    /// both PostgreSQL and DuckDB run alike (the archive's verifier runs it over a partition).
    /// </summary>
    public const string TradeColumns = """
        count(*), min(ts), max(ts), CAST(coalesce(sum(ts_ns), 0) AS DECIMAL(38, 0)), CAST(coalesce(sum(trade_id), 0) AS DECIMAL(38, 0)),
        CAST(coalesce(sum(size), 0) AS DECIMAL(38, 0)), CAST(coalesce(sum(price), 0) AS DECIMAL(38, 8)),
        CAST(coalesce(sum(len(conditions)), 0) AS BIGINT), CAST(coalesce(sum(ascii(exchange) + ascii(tape)), 0) AS BIGINT)
        """;

    /// <summary>The same over the <c>quotes</c> columns.</summary>
    public const string QuoteColumns = """
        count(*), min(ts), max(ts), CAST(coalesce(sum(ts_ns), 0) AS DECIMAL(38, 0)), CAST(coalesce(sum(seq), 0) AS DECIMAL(38, 0)),
        CAST(coalesce(sum(bid_size + ask_size), 0) AS DECIMAL(38, 0)), CAST(coalesce(sum(bid_price + ask_price), 0) AS DECIMAL(38, 8)),
        CAST(coalesce(sum(len(conditions)), 0) AS BIGINT), CAST(coalesce(sum(ascii(bid_exchange) + ascii(ask_exchange) + ascii(tape)), 0) AS BIGINT)
        """;

    /// <summary>Reads a fingerprint from the current row of a reader over <see cref="TradeColumns"/> or <see cref="QuoteColumns"/>.</summary>
    public static TickFingerprint Read(System.Data.Common.DbDataReader reader) => new(
        Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
        reader.IsDBNull(1) ? null : Instant(reader.GetValue(1)),
        reader.IsDBNull(2) ? null : Instant(reader.GetValue(2)),
        reader.GetDecimal(3), reader.GetDecimal(4), reader.GetDecimal(5), reader.GetDecimal(6),
        reader.GetInt64(7), reader.GetInt64(8));

    // Npgsql hands back timestamptz as a UTC DateTime, DuckDB.NET as a DateTime of unspecified kind that is UTC.
    private static DateTimeOffset Instant(object value) => value switch
    {
        DateTimeOffset offset => offset,
        DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
        _ => throw new InvalidCastException($"a timestamp was expected, not {value.GetType().Name}"),
    };
}

/// <summary>The hot store's side of <see cref="TickFingerprint"/>: one aggregate over a symbol's trades or quotes in a span.</summary>
public sealed class TickFingerprints(NpgsqlDataSource dataSource, StorageSchema schema, DbRetry retry)
{
    /// <summary>The fingerprint of <paramref name="symbol"/>'s trades whose microsecond lies in [<paramref name="start"/>, <paramref name="end"/>].</summary>
    public Task<TickFingerprint> TradesAsync(Symbol symbol, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken = default) =>
        ReadAsync("trades", TickFingerprint.TradeColumns, symbol, start, end, cancellationToken);

    /// <summary>The fingerprint of <paramref name="symbol"/>'s quotes whose microsecond lies in [<paramref name="start"/>, <paramref name="end"/>].</summary>
    public Task<TickFingerprint> QuotesAsync(Symbol symbol, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken = default) =>
        ReadAsync("quotes", TickFingerprint.QuoteColumns, symbol, start, end, cancellationToken);

    private async Task<TickFingerprint> ReadAsync(string table, string columns, Symbol symbol, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        // PostgreSQL spells a list's length cardinality(); the shared SELECT list says len().
        var sql = $"SELECT {columns.Replace("len(conditions)", "cardinality(conditions)", StringComparison.Ordinal)} FROM {table} WHERE symbol = @symbol AND ts BETWEEN @start AND @end";
        return await retry.ExecuteAsync<TickFingerprint>(async token =>
        {
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.AddWithValue("symbol", symbol.Value);
            command.Parameters.AddWithValue("start", start.UtcDateTime);
            command.Parameters.AddWithValue("end", end.UtcDateTime);
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            await reader.ReadAsync(token).ConfigureAwait(false);
            return TickFingerprint.Read(reader);
        }, cancellationToken).ConfigureAwait(false);
    }
}
