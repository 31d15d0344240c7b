using System.IO.Compression;
using Parquet;
using Parquet.Schema;
using StockPlatform.Storage.Features;

namespace StockPlatform.Archive.Partitions;

/// <summary>One interval's feature rows of a session, as a features partition holds them.</summary>
public sealed record FeatureRowsOfInterval(string Interval, IReadOnlyList<FeatureRow> Rows);

/// <summary>
/// Writes one symbol's session of a feature set version as a Parquet file: <c>interval</c>,
/// <c>ts</c> (INT64 microseconds adjusted to UTC) and one nullable DOUBLE column per feature
/// (null where the value is undefined, e.g. during warm-up), ZSTD at the optimal level; written
/// under a temporary name and renamed, like the bars partitions.
/// </summary>
public static class FeatureParquetWriter
{
    private static readonly ParquetOptions Options = new() { CompressionMethod = CompressionMethod.Zstd, CompressionLevel = CompressionLevel.Optimal };

    /// <summary>Writes <paramref name="intervals"/> (each in time order) to <paramref name="path"/>, replacing what was there.</summary>
    public static async Task<WrittenPartition> WriteAsync(string path, IReadOnlyList<string> columns, IReadOnlyList<FeatureRowsOfInterval> intervals, CancellationToken cancellationToken = default)
    {
        var interval = new DataField<string>("interval");
        var timestamp = new MicrosTimestampField("ts");
        var values = columns.Select(name => new DataField<double?>(name)).ToList();
        var schema = new ParquetSchema([interval, timestamp.Declared, .. values]);
        var rows = intervals.SelectMany(part => part.Rows.Select(row => (part.Interval, Row: row))).ToList();

        return await ParquetFiles.WriteAtomicallyAsync(path, async file =>
        {
            await using var writer = await ParquetWriter.CreateAsync(schema, file, Options, cancellationToken: cancellationToken);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(interval, [.. rows.Select(r => r.Interval)], null);
            await timestamp.WriteAsync(group, rows.Select(r => MicrosTimestampField.MicrosOf(r.Row.Timestamp)).ToArray(), cancellationToken);
            for (var c = 0; c < values.Count; c++)
            {
                var column = c;
                await group.WriteAsync<double>(values[c], rows.Select(r => column < r.Row.Values.Length && double.IsFinite(r.Row.Values[column]) ? r.Row.Values[column] : (double?)null).ToArray(), cancellationToken: cancellationToken);
            }
        }, rows.Count, rows.Count > 0 ? rows.Min(r => r.Row.Timestamp) : null, rows.Count > 0 ? rows.Max(r => r.Row.Timestamp) : null, cancellationToken);
    }
}
