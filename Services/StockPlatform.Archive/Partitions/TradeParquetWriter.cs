using Parquet;
using Parquet.Schema;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.Archive.Partitions;

/// <summary>
/// Writes one symbol's trades of a day as a Parquet file: <c>symbol, ts, ts_ns, exchange, trade_id,
/// price, size, conditions, tape</c> (the hot store's columns but the feed), in the hot store's
/// order (time, then exchange and trade id). See <see cref="TickParquet"/> for the encodings.
/// </summary>
public static class TradeParquetWriter
{
    private static readonly DataField<string> Symbol = TickParquet.Text("symbol");
    private static readonly MicrosTimestampField Timestamp = TickParquet.Timestamp();
    private static readonly DataField<short> Nanoseconds = TickParquet.Nanoseconds();
    private static readonly DataField<string> Exchange = TickParquet.Text("exchange");
    private static readonly DataField<long> TradeId = new("trade_id");
    private static readonly DecimalDataField Price = TickParquet.Price("price");
    private static readonly DataField<long> Size = new("size");
    private static readonly DataField ConditionElement = TickParquet.ConditionElement();
    private static readonly ListField Conditions = TickParquet.Conditions(ConditionElement);
    private static readonly DataField<string> Tape = TickParquet.Text("tape");
    private static readonly ParquetSchema Schema = new(Symbol, Timestamp.Declared, Nanoseconds, Exchange, TradeId, Price, Size, Conditions, Tape);

    /// <summary>Writes the trades of <paramref name="pages"/> (one symbol, in time order) to <paramref name="path"/>, replacing what was there.</summary>
    public static Task<WrittenPartition> WriteAsync(string path, string symbol, IAsyncEnumerable<IReadOnlyList<Trade>> pages, CancellationToken cancellationToken = default) =>
        TickParquet.WriteAsync(path, Schema, pages, trade => trade.Time, trade => TickParquet.CheckPrice("price", trade.Price, trade.Time), async (group, trades) =>
        {
            await group.WriteAsync(Symbol, [.. trades.Select(_ => symbol)], null);
            await Timestamp.WriteAsync(group, trades.Select(t => TickParquet.MicrosOf(t.Time)).ToArray(), cancellationToken);
            await group.WriteAsync<short>(Nanoseconds, trades.Select(t => (short)t.Time.NanosecondOfMicrosecond).ToArray(), cancellationToken: cancellationToken);
            await group.WriteAsync(Exchange, [.. trades.Select(t => t.Exchange)], null);
            await group.WriteAsync<long>(TradeId, trades.Select(t => t.Id).ToArray(), cancellationToken: cancellationToken);
            await group.WriteAsync<decimal>(Price, trades.Select(t => t.Price).ToArray(), cancellationToken: cancellationToken);
            await group.WriteAsync<long>(Size, trades.Select(t => t.Size).ToArray(), cancellationToken: cancellationToken);
            await TickParquet.WriteConditionsAsync(group, ConditionElement, trades, t => t.Conditions, cancellationToken);
            await group.WriteAsync(Tape, [.. trades.Select(t => t.Tape)], null);
        }, cancellationToken);
}
