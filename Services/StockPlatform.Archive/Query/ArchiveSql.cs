using System.Diagnostics;
using System.Text.Json;
using DuckDB.NET.Data;

namespace StockPlatform.Archive.Query;

/// <summary>The limits one user query runs under.</summary>
/// <param name="MaxRows">Rows returned at most; the rest are not read (the result says it was cut).</param>
/// <param name="MaxBytes">Approximate bytes of values returned at most (text length of each value).</param>
/// <param name="Timeout">Longest a query may run before it is interrupted.</param>
public sealed record SqlLimits(int MaxRows, long MaxBytes, TimeSpan Timeout);

/// <summary>One column of a result: its name and DuckDB type.</summary>
public sealed record SqlColumn(string Name, string Type);

/// <summary>
/// A query's result, buffered within its limits. Values are CLR values as DuckDB.NET returns them
/// (TIMESTAMPTZ as UTC <see cref="DateTime"/>, HUGEINT as <see cref="System.Numerics.BigInteger"/>, ...);
/// <see cref="Truncated"/> names the limit that cut it, or null when every row is here.
/// </summary>
public sealed record SqlResult(IReadOnlyList<SqlColumn> Columns, IReadOnlyList<object?[]> Rows, string? Truncated, TimeSpan Elapsed);

/// <summary>A query refused or failed for a reason the user can act on (the message says which rule).</summary>
public sealed class ArchiveSqlException(string message) : Exception(message);

/// <summary>
/// Runs a user's SQL over the archive: exactly one read-only query (SELECT, WITH, FROM-first,
/// VALUES, DESCRIBE, SUMMARIZE), checked by DuckDB's own parser, on a sandboxed connection
/// (<see cref="ArchiveCatalog.OpenSandboxedAsync"/>) that cannot read outside the archive, within
/// row, byte and time limits.
/// </summary>
public sealed class ArchiveSql(ArchiveCatalog catalog)
{
    /// <summary>Refuses anything but one query, then runs it within <paramref name="limits"/>.</summary>
    public async Task<SqlResult> RunAsync(string sql, SqlLimits limits, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(sql)) throw new ArchiveSqlException("the query is empty");
        if (!catalog.Exists) throw new ArchiveSqlException("the archive is empty: nothing has been archived yet, so there is no view to query");

        var stopwatch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limits.Timeout);
        await using var connection = await catalog.OpenSandboxedAsync(cancellationToken);
        await CheckIsOneQueryAsync(connection, sql, cancellationToken);
        try
        {
            return await ReadAsync(connection, sql, limits, stopwatch, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ArchiveSqlException($"the query ran longer than the {limits.Timeout.TotalSeconds:0.#} s limit and was stopped");
        }
        catch (DuckDBException exception)
        {
            // DuckDB's messages name the rule (a permission, a missing column, a syntax error) and never hold secrets.
            throw new ArchiveSqlException(exception.Message);
        }
    }

    // DuckDB's parser, not a regular expression, decides what the text is: json_serialize_sql parses
    // every statement and serialises only queries, so COPY, ATTACH, INSTALL, SET, PRAGMA, EXPLAIN and
    // DML fail here, and a second statement shows up as a second entry.
    private static async Task CheckIsOneQueryAsync(DuckDBConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT json_serialize_sql($sql::VARCHAR)";
        command.Parameters.Add(new DuckDBParameter("sql", sql));
        var parsed = (string?)await command.ExecuteScalarAsync(cancellationToken) ?? "{}";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(parsed);
        }
        catch (JsonException)
        {
            // DuckDB writes a literal beyond a double's range as Infinity, which is not JSON: refused, not a 500.
            throw new ArchiveSqlException("the query holds a literal the checker cannot read (a number out of range?); write it another way");
        }
        using var _ = document;
        var root = document.RootElement;
        if (root.TryGetProperty("error", out var error) && error.GetBoolean())
        {
            var message = root.TryGetProperty("error_message", out var text) ? text.GetString() : "unreadable";
            throw new ArchiveSqlException(root.TryGetProperty("error_type", out var type) && type.GetString() == "parser"
                ? $"the query does not parse: {message}"
                : "only one read-only query (SELECT, WITH, FROM, VALUES, DESCRIBE, SUMMARIZE) is allowed; COPY, ATTACH, INSTALL, LOAD, SET, PRAGMA, EXPLAIN and statements that change data are refused");
        }
        var statements = root.TryGetProperty("statements", out var list) ? list.GetArrayLength() : 0;
        if (statements != 1)
            throw new ArchiveSqlException($"exactly one statement is allowed; the text holds {statements}");
    }

    private static async Task<SqlResult> ReadAsync(DuckDBConnection connection, string sql, SqlLimits limits, Stopwatch stopwatch, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        // DuckDB.NET interrupts the running query when the token fires.
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var columns = Enumerable.Range(0, reader.FieldCount).Select(i => new SqlColumn(reader.GetName(i), reader.GetDataTypeName(i))).ToList();
        var rows = new List<object?[]>();
        long bytes = 0;
        string? truncated = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (rows.Count == limits.MaxRows)
            {
                truncated = $"max_rows ({limits.MaxRows})";
                break;
            }
            var row = new object?[columns.Count];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                bytes += ApproximateSize(row[i]);
            }
            if (bytes > limits.MaxBytes)
            {
                truncated = $"max_bytes ({limits.MaxBytes})";
                break;
            }
            rows.Add(row);
        }
        return new SqlResult(columns, rows, truncated, stopwatch.Elapsed);
    }

    private static long ApproximateSize(object? value) => value switch
    {
        null => 4,
        string text => text.Length + 2,
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)?.Length ?? 4,
    };
}
