using Parquet;
using Parquet.Schema;
using StockPlatform.Storage.Ticks;

namespace StockPlatform.Archive.Partitions;

/// <summary>
/// Writes one symbol's quotes of a day as a Parquet file: <c>symbol, ts, ts_ns, seq, bid_exchange,
/// bid_price, bid_size, ask_exchange, ask_price, ask_size, conditions, tape</c> (the hot store's
/// columns but the feed; <c>seq</c> orders quotes of the same nanosecond as Alpaca sent them), in
/// the hot store's order. See <see cref="TickParquet"/> for the encodings.
/// </summary>
public static class QuoteParquetWriter
{
    private static readonly DataField<string> Symbol = TickParquet.Text("symbol");
    private static readonly MicrosTimestampField Timestamp = TickParquet.Timestamp();
    private static readonly DataField<short> Nanoseconds = TickParquet.Nanoseconds();
    private static readonly DataField<short> Seq = new("seq");
    private static readonly DataField<string> BidExchange = TickParquet.Text("bid_exchange");
    private static readonly DecimalDataField BidPrice = TickParquet.Price("bid_price");
    private static readonly DataField<long> BidSize = new("bid_size");
    private static readonly DataField<string> AskExchange = TickParquet.Text("ask_exchange");
    private static readonly DecimalDataField AskPrice = TickParquet.Price("ask_price");
    private static readonly DataField<long> AskSize = new("ask_size");
    private static readonly DataField ConditionElement = TickParquet.ConditionElement();
    private static readonly ListField Conditions = TickParquet.Conditions(ConditionElement);
    private static readonly DataField<string> Tape = TickParquet.Text("tape");
    private static readonly ParquetSchema Schema = new(Symbol, Timestamp.Declared, Nanoseconds, Seq, BidExchange, BidPrice, BidSize, AskExchange, AskPrice, AskSize, Conditions, Tape);

    /// <summary>Writes the quotes of <paramref name="pages"/> (one symbol, in time and seq order) to <paramref name="path"/>, replacing what was there.</summary>
    public static Task<WrittenPartition> WriteAsync(string path, string symbol, IAsyncEnumerable<IReadOnlyList<StoredQuote>> pages, CancellationToken cancellationToken = default) =>
        TickParquet.WriteAsync(path, Schema, pages, stored => stored.Quote.Time, Check, async (group, rows) =>
        {
            await group.WriteAsync(Symbol, [.. rows.Select(_ => symbol)], null);
            await Timestamp.WriteAsync(group, rows.Select(r => TickParquet.MicrosOf(r.Quote.Time)).ToArray(), cancellationToken);
            await group.WriteAsync<short>(Nanoseconds, rows.Select(r => (short)r.Quote.Time.NanosecondOfMicrosecond).ToArray(), cancellationToken: cancellationToken);
            await group.WriteAsync<short>(Seq, rows.Select(r => r.Seq).ToArray(), cancellationToken: cancellationToken);
            await group.WriteAsync(BidExchange, [.. rows.Select(r => r.Quote.BidExchange)], null);
            await group.WriteAsync<decimal>(BidPrice, rows.Select(r => r.Quote.BidPrice).ToArray(), cancellationToken: cancellationToken);
            await group.WriteAsync<long>(BidSize, rows.Select(r => r.Quote.BidSize).ToArray(), cancellationToken: cancellationToken);
            await group.WriteAsync(AskExchange, [.. rows.Select(r => r.Quote.AskExchange)], null);
            await group.WriteAsync<decimal>(AskPrice, rows.Select(r => r.Quote.AskPrice).ToArray(), cancellationToken: cancellationToken);
            await group.WriteAsync<long>(AskSize, rows.Select(r => r.Quote.AskSize).ToArray(), cancellationToken: cancellationToken);
            await TickParquet.WriteConditionsAsync(group, ConditionElement, rows, r => r.Quote.Conditions, cancellationToken);
            await group.WriteAsync(Tape, [.. rows.Select(r => r.Quote.Tape)], null);
        }, cancellationToken);

    private static void Check(StoredQuote stored)
    {
        TickParquet.CheckPrice("bid_price", stored.Quote.BidPrice, stored.Quote.Time);
        TickParquet.CheckPrice("ask_price", stored.Quote.AskPrice, stored.Quote.Time);
    }
}
