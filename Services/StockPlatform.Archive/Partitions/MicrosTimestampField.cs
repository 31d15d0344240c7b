using Parquet;
using Parquet.Schema;

namespace StockPlatform.Archive.Partitions;

/// <summary>
/// A column declared INT64 <c>TIMESTAMP(MICROS, isAdjustedToUTC)</c> (read as <c>TIMESTAMP WITH TIME
/// ZONE</c> by DuckDB, Polars and PyArrow) whose values are written as the raw microseconds since
/// the Unix epoch. Parquet.Net 6.1 encodes a <see cref="DateTime"/> column's min/max statistics in
/// milliseconds whatever the column's unit (aloneguid/parquet-dotnet#769), so readers that prune
/// row groups on them (DuckDB's <c>WHERE ts &gt;= ...</c>) skip groups that match; statistics of an
/// INT64 column are its values as written, in the declared unit.
/// </summary>
internal sealed class MicrosTimestampField
{
    // The same column as a plain INT64 field, for writing only: the row group writer matches a column
    // by name and takes the physical type and annotations from the file's schema (Declared), so the
    // footer keeps the timestamp type while the values and statistics are the longs given here.
    private readonly DataField<long> _raw;

    public MicrosTimestampField(string name)
    {
        Declared = new DateTimeDataField(name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros);
        _raw = new DataField<long>(name);
        // A field must belong to a schema before a row group writer takes it.
        _ = new ParquetSchema(_raw);
    }

    /// <summary>The field to put in the file's schema.</summary>
    public DateTimeDataField Declared { get; }

    /// <summary>Microseconds since the Unix epoch of <paramref name="instant"/> (the archive's instants are whole microseconds).</summary>
    public static long MicrosOf(DateTimeOffset instant) => (instant.UtcTicks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;

    /// <summary>Writes this row group's column from microseconds since the Unix epoch.</summary>
    public Task WriteAsync(ParquetRowGroupWriter group, long[] micros, CancellationToken cancellationToken) =>
        group.WriteAsync<long>(_raw, micros, cancellationToken: cancellationToken);
}
