using System.Globalization;
using System.Text.Json;

namespace StockPlatform.Frontend.Gateway;

// The gateway's archive answers (GET /archive/partitions, GET /archive/verify, POST /archive/sql).

/// <summary>
/// One archived partition: a symbol's session of one dataset, in a Parquet file of its own
/// (<see cref="Granularity"/> <c>day</c>) or in its symbol's month file (<c>month</c>, bars only;
/// <see cref="Bytes"/> is then the whole month file's).
/// </summary>
public sealed record ArchivePartition(
    string Dataset, string Symbol, DateOnly Session, string Path, int Rows, DateTime? First, DateTime? Last, long Bytes, string Sha256, DateTime WrittenAt,
    string? Granularity = null, string? RowsSha256 = null);

/// <summary>The body of <c>GET /archive/partitions</c>, with its totals (<see cref="Bytes"/> counts each of the <see cref="Files"/> once).</summary>
public sealed record ArchivePartitionList(int Count, long Rows, long Bytes, IReadOnlyList<ArchivePartition> Partitions, int Files = 0);

/// <summary>
/// One partition checked against the hot store: <c>ok</c>, <c>archive-only</c> (retention removed
/// the hot rows), or a problem (<c>file-missing</c>, <c>checksum-mismatch</c>, <c>differs</c>) that <see cref="Detail"/> explains.
/// </summary>
public sealed record PartitionCheck(DateOnly Session, string Status, int ArchivedRows, int HotRows, string? Detail);

/// <summary>The body of <c>GET /archive/verify</c>.</summary>
public sealed record ArchiveVerification(string Symbol, int Partitions, int Ok, int ArchiveOnly, int Problems, bool Consistent, IReadOnlyList<PartitionCheck> Checks);

/// <summary>A column of a query's answer, with DuckDB's type name.</summary>
public sealed record SqlColumn(string Name, string Type);

/// <summary>
/// The JSON answer of <c>POST /archive/sql</c>. Cells stay JSON (numbers, strings, timestamps,
/// null) because the columns' types are whatever the query made them.
/// </summary>
public sealed record SqlResult(IReadOnlyList<SqlColumn> Columns, IReadOnlyList<JsonElement[]> Rows, int RowCount, string? Truncated, double ElapsedMs)
{
    /// <summary>A cell as the results table shows it: empty for null, numbers as the gateway wrote them.</summary>
    public static string Text(JsonElement cell) => cell.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => string.Empty,
        JsonValueKind.String => cell.GetString() ?? string.Empty,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => cell.GetRawText(),
    };

    /// <summary>"12 rows in 3.4 ms".</summary>
    public string Summary => string.Create(CultureInfo.InvariantCulture, $"{RowCount:N0} row(s) in {ElapsedMs:0.#} ms");
}
