using System.IO.Compression;
using Parquet;
using Parquet.Schema;
using StockPlatform.MarketData.Calendar;
using StockPlatform.Storage.Bars;

namespace StockPlatform.Archive.Partitions;

/// <summary>
/// What a written partition holds: <see cref="Bytes"/> and <see cref="Sha256"/> are the file's;
/// <see cref="Rows"/>, <see cref="First"/>, <see cref="Last"/> and <see cref="RowsSha256"/>
/// (<see cref="SessionChecksum"/>, bars only) the session's, which in a month file is one of several.
/// </summary>
public sealed record WrittenPartition(string Path, int Rows, DateTimeOffset? First, DateTimeOffset? Last, long Bytes, string Sha256, string? RowsSha256 = null);

/// <summary>
/// Writes one symbol's session of 1-minute bars as a Parquet file: ZSTD at
/// <see cref="CompressionLevel.Optimal"/> (the library's default level is many times slower for a
/// few percent), timestamps as INT64 microseconds adjusted to UTC (read as <c>TIMESTAMP WITH TIME
/// ZONE</c> by DuckDB, Polars and PyArrow; never legacy INT96), prices as DECIMAL(18, 8). The file
/// is written under a temporary name and renamed over the old one, so a reader sees the old
/// partition or the new one, never half of either.
/// </summary>
public static class BarParquetWriter
{
    /// <summary>Decimal places the archive keeps; a price with more is refused, never truncated.</summary>
    public const int PriceScale = 8;

    private const int PricePrecision = 18;

    private static readonly DataField<string> Symbol = new("symbol");
    private static readonly MicrosTimestampField Timestamp = new("ts");
    private static readonly DecimalDataField Open = new("open", PricePrecision, PriceScale);
    private static readonly DecimalDataField High = new("high", PricePrecision, PriceScale);
    private static readonly DecimalDataField Low = new("low", PricePrecision, PriceScale);
    private static readonly DecimalDataField Close = new("close", PricePrecision, PriceScale);
    private static readonly DataField<long> Volume = new("volume");
    private static readonly DataField<long> TradeCount = new("trade_count");
    private static readonly DecimalDataField Vwap = new("vwap", PricePrecision, PriceScale);
    private static readonly DataField<DateOnly> SessionDate = new("dt");
    private static readonly ParquetSchema Schema = new(Symbol, Timestamp.Declared, Open, High, Low, Close, Volume, TradeCount, Vwap);

    // A month file names no day in its path, so each row carries its New York session date (DATE;
    // it compresses to a few bytes and spares readers converting ts to group by day).
    private static readonly ParquetSchema MonthSchema = new(Symbol, Timestamp.Declared, Open, High, Low, Close, Volume, TradeCount, Vwap, SessionDate);

    private static readonly ParquetOptions Options = new() { CompressionMethod = CompressionMethod.Zstd, CompressionLevel = CompressionLevel.Optimal };

    /// <summary>Writes <paramref name="bars"/> (one symbol, in time order) to <paramref name="path"/>, replacing what was there.</summary>
    public static Task<WrittenPartition> WriteAsync(string path, string symbol, IReadOnlyList<StoredBar> bars, CancellationToken cancellationToken = default) =>
        WriteAsync(path, symbol, bars, month: false, cancellationToken);

    /// <summary>
    /// Writes a month file: <paramref name="bars"/> (one symbol, several sessions, in time order)
    /// with each row's New York session date in a <c>dt</c> column, replacing what was there.
    /// The result's rows and time range are the whole file's.
    /// </summary>
    public static Task<WrittenPartition> WriteMonthAsync(string path, string symbol, IReadOnlyList<StoredBar> bars, CancellationToken cancellationToken = default) =>
        WriteAsync(path, symbol, bars, month: true, cancellationToken);

    private static async Task<WrittenPartition> WriteAsync(string path, string symbol, IReadOnlyList<StoredBar> bars, bool month, CancellationToken cancellationToken)
    {
        foreach (var bar in bars) CheckScale(bar);
        return await ParquetFiles.WriteAtomicallyAsync(path, async file =>
        {
            await using var writer = await ParquetWriter.CreateAsync(month ? MonthSchema : Schema, file, Options, cancellationToken: cancellationToken);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(Symbol, [.. bars.Select(_ => symbol)], null);
            await Timestamp.WriteAsync(group, bars.Select(b => MicrosTimestampField.MicrosOf(b.Timestamp)).ToArray(), cancellationToken);
            await group.WriteAsync<decimal>(Open, bars.Select(b => b.Open).ToArray(), cancellationToken: cancellationToken);
            await group.WriteAsync<decimal>(High, bars.Select(b => b.High).ToArray(), cancellationToken: cancellationToken);
            await group.WriteAsync<decimal>(Low, bars.Select(b => b.Low).ToArray(), cancellationToken: cancellationToken);
            await group.WriteAsync<decimal>(Close, bars.Select(b => b.Close).ToArray(), cancellationToken: cancellationToken);
            await group.WriteAsync<long>(Volume, bars.Select(b => b.Volume).ToArray(), cancellationToken: cancellationToken);
            await group.WriteAsync<long>(TradeCount, bars.Select(b => b.TradeCount).ToArray(), cancellationToken: cancellationToken);
            await group.WriteAsync<decimal>(Vwap, bars.Select(b => b.Vwap).ToArray(), cancellationToken: cancellationToken);
            if (month) await group.WriteAsync<DateOnly>(SessionDate, bars.Select(b => NewYorkTime.DateOf(b.Timestamp)).ToArray(), cancellationToken: cancellationToken);
        }, bars.Count, bars.Count > 0 ? bars[0].Timestamp : null, bars.Count > 0 ? bars[^1].Timestamp : null, cancellationToken);
    }

    private static void CheckScale(StoredBar bar)
    {
        foreach (var (name, value) in new[] { ("open", bar.Open), ("high", bar.High), ("low", bar.Low), ("close", bar.Close), ("vwap", bar.Vwap) })
        {
            if (decimal.Round(value, PriceScale) != value || Math.Abs(value) >= 10_000_000_000m)
                throw new ArgumentException($"{name} {value} at {bar.Timestamp:O} does not fit DECIMAL({PricePrecision}, {PriceScale}); the archive never rounds a stored value");
        }
    }
}
