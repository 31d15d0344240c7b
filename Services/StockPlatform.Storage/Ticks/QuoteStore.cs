using Npgsql;
using NpgsqlTypes;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Infrastructure;
using StockPlatform.Storage.Schema;

namespace StockPlatform.Storage.Ticks;

/// <summary>
/// Quotes: idempotent bulk inserts keyed by (symbol, time, seq) where seq is a quote's position
/// among the symbol's quotes of the same nanosecond in the order given, and keyset-paged reads.
/// </summary>
/// <remarks>
/// Because seq is counted within a batch, all quotes of one symbol and instant must arrive in
/// the same batch, in Alpaca's order; <see cref="QuotePages"/> holds a page's last instant back
/// until the next page shows whether it continues.
/// </remarks>
public sealed class QuoteStore(NpgsqlDataSource dataSource, StorageSchema schema, DbRetry retry)
{
    private const string Columns = "symbol, ts, ts_ns, seq, bid_exchange, bid_price, bid_size, ask_exchange, ask_price, ask_size, conditions, tape, feed";
    private const string Select = "SELECT ts, ts_ns, bid_exchange, bid_price, bid_size, ask_exchange, ask_price, ask_size, conditions, tape, seq FROM quotes";

    /// <summary>
    /// Inserts quotes of any symbols in one transaction and returns how many were new; quotes
    /// already stored are left as they are. A batch with an invalid quote is refused whole.
    /// </summary>
    public async Task<int> InsertAsync(IReadOnlyList<SymbolQuote> quotes, string feed, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(feed);
        if (quotes.Count == 0) return 0;
        var rows = Sequence(quotes);
        var info = await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        var batch = new TickWriter.Batch<(SymbolQuote Quote, short Seq)>(rows,
            TickWriter.Spans(rows, r => r.Quote.Symbol.Value, r => r.Quote.Quote.Time.Microsecond.UtcDateTime));
        return await retry.ExecuteAsync<int>(token => new ValueTask<int>(TickWriter.WriteAsync(dataSource, info, "quotes", Columns, Columns, batch,
            (writer, row, t) => WriteRowAsync(writer, row.Quote, row.Seq, feed, t), token)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Inserts one symbol's quotes (see <see cref="InsertAsync(IReadOnlyList{SymbolQuote}, string, CancellationToken)"/>).</summary>
    public Task<int> InsertAsync(Symbol symbol, string feed, IReadOnlyList<Quote> quotes, CancellationToken cancellationToken = default) =>
        InsertAsync(quotes.Select(quote => new SymbolQuote(symbol, quote)).ToList(), feed, cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> quotes of <paramref name="symbol"/> whose microsecond lies in
    /// [<paramref name="start"/>, <paramref name="end"/>], in time order (newest first when
    /// <paramref name="descending"/>), after the position <paramref name="after"/> in that order.
    /// </summary>
    public async Task<IReadOnlyList<StoredQuote>> ReadAsync(Symbol symbol, DateTimeOffset start, DateTimeOffset end, int limit,
        StoredQuote? after = null, bool descending = false, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        var order = descending ? "DESC" : "ASC";
        var sql = $"""
            {Select} WHERE symbol = @symbol AND ts BETWEEN @start AND @end
            {(after is null ? string.Empty : $"AND ts {(descending ? "<=" : ">=")} @ts AND (ts, ts_ns, seq) {(descending ? "<" : ">")} (@ts, @ns, @seq)")}
            ORDER BY ts {order}, ts_ns {order}, seq {order} LIMIT @limit
            """;
        return await retry.ExecuteAsync<IReadOnlyList<StoredQuote>>(async token =>
        {
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.AddWithValue("symbol", symbol.Value);
            command.Parameters.AddWithValue("start", start.UtcDateTime);
            command.Parameters.AddWithValue("end", end.UtcDateTime);
            command.Parameters.AddWithValue("limit", limit);
            if (after is not null)
            {
                command.Parameters.AddWithValue("ts", after.Quote.Time.Microsecond.UtcDateTime);
                command.Parameters.AddWithValue("ns", (short)after.Quote.Time.NanosecondOfMicrosecond);
                command.Parameters.AddWithValue("seq", after.Seq);
            }
            var quotes = new List<StoredQuote>(Math.Min(limit, 10_000));
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            while (await reader.ReadAsync(token).ConfigureAwait(false))
            {
                var quote = new Quote(NanoTime.FromParts(reader.GetFieldValue<DateTimeOffset>(0), reader.GetInt16(1)),
                    reader.GetString(2), reader.GetDecimal(3), reader.GetInt64(4), reader.GetString(5), reader.GetDecimal(6),
                    reader.GetInt64(7), reader.GetFieldValue<string[]>(8), reader.GetString(9));
                quotes.Add(new StoredQuote(quote, reader.GetInt16(10)));
            }
            return quotes;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Validates, sorts by symbol and time (stable, so same-instant quotes keep their order) and numbers same-instant quotes.</summary>
    internal static List<(SymbolQuote Quote, short Seq)> Sequence(IReadOnlyList<SymbolQuote> quotes)
    {
        for (var i = 0; i < quotes.Count; i++)
        {
            if (quotes[i].Quote.Validate() is { } problem)
                throw new BarValidationException($"quote {i} ({quotes[i].Symbol} {quotes[i].Quote.Time}) is invalid: {problem}; nothing from this batch of {quotes.Count} was written");
        }
        var sorted = quotes.Select((quote, index) => (quote, index))
            .OrderBy(q => q.quote.Symbol.Value, StringComparer.Ordinal).ThenBy(q => q.quote.Quote.Time).ThenBy(q => q.index)
            .Select(q => q.quote).ToList();
        var rows = new List<(SymbolQuote, short)>(sorted.Count);
        short seq = 0;
        for (var i = 0; i < sorted.Count; i++)
        {
            var sameInstant = i > 0 && sorted[i].Symbol == sorted[i - 1].Symbol && sorted[i].Quote.Time == sorted[i - 1].Quote.Time;
            seq = sameInstant ? checked((short)(seq + 1)) : (short)0;
            rows.Add((sorted[i], seq));
        }
        return rows;
    }

    // The thirteen columns of Columns, in order (the write benchmark's plain COPY baseline writes the same).
    internal static async Task WriteRowAsync(NpgsqlBinaryImporter writer, SymbolQuote row, short seq, string feed, CancellationToken token)
    {
        var quote = row.Quote;
        await writer.StartRowAsync(token).ConfigureAwait(false);
        await writer.WriteAsync(row.Symbol.Value, NpgsqlDbType.Text, token).ConfigureAwait(false);
        await writer.WriteAsync(quote.Time.Microsecond.UtcDateTime, NpgsqlDbType.TimestampTz, token).ConfigureAwait(false);
        await writer.WriteAsync((short)quote.Time.NanosecondOfMicrosecond, NpgsqlDbType.Smallint, token).ConfigureAwait(false);
        await writer.WriteAsync(seq, NpgsqlDbType.Smallint, token).ConfigureAwait(false);
        await writer.WriteAsync(quote.BidExchange, NpgsqlDbType.Text, token).ConfigureAwait(false);
        await writer.WriteAsync(quote.BidPrice, NpgsqlDbType.Numeric, token).ConfigureAwait(false);
        await writer.WriteAsync(quote.BidSize, NpgsqlDbType.Bigint, token).ConfigureAwait(false);
        await writer.WriteAsync(quote.AskExchange, NpgsqlDbType.Text, token).ConfigureAwait(false);
        await writer.WriteAsync(quote.AskPrice, NpgsqlDbType.Numeric, token).ConfigureAwait(false);
        await writer.WriteAsync(quote.AskSize, NpgsqlDbType.Bigint, token).ConfigureAwait(false);
        await writer.WriteAsync(quote.Conditions as string[] ?? [.. quote.Conditions], NpgsqlDbType.Array | NpgsqlDbType.Text, token).ConfigureAwait(false);
        await writer.WriteAsync(quote.Tape, NpgsqlDbType.Text, token).ConfigureAwait(false);
        await writer.WriteAsync(feed, NpgsqlDbType.Text, token).ConfigureAwait(false);
    }
}

/// <summary>A stored quote and its position among the symbol's quotes of the same instant (the paging cursor).</summary>
public sealed record StoredQuote(Quote Quote, short Seq);

/// <summary>
/// Cuts a symbol's stream of quote pages into batches that never split an instant: each page's
/// trailing quotes of its last instant wait for the next page (or <see cref="Flush"/>), so the
/// store numbers same-instant quotes exactly as when the whole range came in one batch.
/// </summary>
public sealed class QuotePages
{
    private readonly List<Quote> _carry = [];

    /// <summary>The quotes of <paramref name="page"/> (after any carried ones) that are safe to write now.</summary>
    public IReadOnlyList<Quote> Take(IReadOnlyList<Quote> page)
    {
        var all = new List<Quote>(_carry.Count + page.Count);
        all.AddRange(_carry);
        all.AddRange(page);
        _carry.Clear();
        if (all.Count == 0) return all;
        var last = all[^1].Time;
        var cut = all.Count;
        while (cut > 0 && all[cut - 1].Time == last) cut--;
        _carry.AddRange(all.GetRange(cut, all.Count - cut));
        return all.GetRange(0, cut);
    }

    /// <summary>Whatever is still held back (call after the last page).</summary>
    public IReadOnlyList<Quote> Flush()
    {
        var rest = _carry.ToList();
        _carry.Clear();
        return rest;
    }
}
