using DuckDB.NET.Data;

namespace StockPlatform.Storage.Tests.Support;

/// <summary>Every row of a DuckDB query, each as its values (for the archive tests' expectations).</summary>
internal static class DuckRows
{
    public static async Task<List<object[]>> ReadAsync(DuckDBConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var rows = new List<object[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }
        return rows;
    }
}
