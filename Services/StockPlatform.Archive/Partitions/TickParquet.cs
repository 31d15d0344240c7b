using System.IO.Compression;
using Parquet;
using Parquet.Schema;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.Archive.Partitions;

/// <summary>
/// What trades and quotes partitions share: ZSTD at the optimal level, the instant as <c>ts</c>
/// (INT64 microseconds adjusted to UTC, as the bars) plus <c>ts_ns</c> (INT16, the nanoseconds past
/// that microsecond, 0 to 999, as the hot store keeps them), prices as DECIMAL(18, 8), conditions
/// as a Parquet LIST of strings (DuckDB <c>VARCHAR[]</c>: a code that is itself a space stays one
/// code), and rows streamed into row groups so a liquid day never sits in memory whole.
/// </summary>
internal static class TickParquet
{
    /// <summary>Rows per row group: DuckDB reads row groups in parallel, and a writer holds one at a time.</summary>
    public const int RowGroupRows = 250_000;

    public static readonly ParquetOptions Options = new() { CompressionMethod = CompressionMethod.Zstd, CompressionLevel = CompressionLevel.Optimal };

    public static DataField<string> Text(string name) => new(name);

    /// <summary>The <c>ts</c> column: the instant's whole microseconds (see <see cref="MicrosTimestampField"/> for why written as longs).</summary>
    public static MicrosTimestampField Timestamp() => new("ts");

    /// <summary>Microseconds since the Unix epoch of <paramref name="time"/>'s whole microsecond (its nanoseconds go to <c>ts_ns</c>).</summary>
    public static long MicrosOf(NanoTime time) => MicrosTimestampField.MicrosOf(time.Microsecond);

    public static DataField<short> Nanoseconds() => new("ts_ns");

    public static DecimalDataField Price(string name) => new(name, 18, BarParquetWriter.PriceScale);

    /// <summary>The element of the conditions list: a required string, so an empty list stays empty (never a list holding a null).</summary>
    public static DataField ConditionElement() => new("element", typeof(string), false);

    /// <summary>The conditions column: a list of <paramref name="element"/>.</summary>
    public static ListField Conditions(DataField element) => new("conditions", element);

    /// <summary>Writes one row group's conditions, with the levels that tell an empty list from a list of one empty string.</summary>
    public static async Task WriteConditionsAsync<T>(ParquetRowGroupWriter group, DataField element, IReadOnlyList<T> rows, Func<T, IReadOnlyList<string>> conditions, CancellationToken cancellationToken)
    {
        var values = new List<ReadOnlyMemory<char>>(rows.Count);
        var repetition = new List<int>(rows.Count);
        var definition = new List<int>(rows.Count);
        foreach (var row in rows)
        {
            var list = conditions(row);
            if (list.Count == 0)
            {
                // Definition level 1: the list is there and holds nothing.
                repetition.Add(0);
                definition.Add(1);
                continue;
            }
            for (var i = 0; i < list.Count; i++)
            {
                values.Add(list[i].AsMemory());
                repetition.Add(i == 0 ? 0 : 1);
                definition.Add(2);
            }
        }
        await group.WriteAllPartsAsync<ReadOnlyMemory<char>>(element, values.ToArray(), definition.ToArray(), repetition.ToArray(), cancellationToken);
    }

    /// <summary>Refuses a price the archive would have to round (it never does).</summary>
    public static void CheckPrice(string name, decimal value, NanoTime at)
    {
        if (decimal.Round(value, BarParquetWriter.PriceScale) != value || Math.Abs(value) >= 10_000_000_000m)
            throw new ArgumentException($"{name} {value} at {at} does not fit DECIMAL(18, {BarParquetWriter.PriceScale}); the archive never rounds a stored value");
    }

    /// <summary>
    /// Writes <paramref name="pages"/> (one symbol's rows in time order) to <paramref name="path"/>
    /// in row groups of <see cref="RowGroupRows"/>, under a temporary name renamed over the old file.
    /// </summary>
    public static Task<WrittenPartition> WriteAsync<T>(string path, ParquetSchema schema, IAsyncEnumerable<IReadOnlyList<T>> pages,
        Func<T, NanoTime> timeOf, Action<T> check, Func<ParquetRowGroupWriter, List<T>, Task> writeGroup, CancellationToken cancellationToken) =>
        ParquetFiles.WriteAtomicallyAsync(path, async file =>
        {
            await using var writer = await ParquetWriter.CreateAsync(schema, file, Options, cancellationToken: cancellationToken);
            var buffer = new List<T>(RowGroupRows);
            var rows = 0;
            DateTimeOffset? first = null, last = null;
            async Task FlushAsync()
            {
                using var group = writer.CreateRowGroup();
                await writeGroup(group, buffer);
                first ??= timeOf(buffer[0]).Microsecond;
                last = timeOf(buffer[^1]).Microsecond;
                rows += buffer.Count;
                buffer.Clear();
            }

            await foreach (var page in pages.WithCancellation(cancellationToken))
            {
                foreach (var row in page)
                {
                    check(row);
                    buffer.Add(row);
                    if (buffer.Count == RowGroupRows) await FlushAsync();
                }
            }
            if (buffer.Count > 0) await FlushAsync();
            return (rows, first, last);
        }, cancellationToken);
}
