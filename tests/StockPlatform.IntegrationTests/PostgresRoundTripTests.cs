using Npgsql;
using NpgsqlTypes;

namespace StockPlatform.IntegrationTests;

public class PostgresRoundTripTests
{
    private sealed record Row(string Symbol, DateTime Ts, decimal Close, long Volume);

    [Fact]
    public async Task Rows_written_with_binary_copy_read_back_with_every_value_exact()
    {
        await using var dataSource = await TestServers.OpenPostgresAsync();
        var table = "it_round_trip_" + Guid.NewGuid().ToString("N")[..12];
        Row[] rows =
        [
            new("SPY", new DateTime(2024, 3, 8, 14, 30, 0, DateTimeKind.Utc), 512.123456m, 1_234_567),
            new("SPY", new DateTime(2024, 3, 11, 13, 30, 0, DateTimeKind.Utc), 0.000001m, 0),
            new("BRK.B", new DateTime(2024, 11, 29, 17, 59, 0, DateTimeKind.Utc), 99999999.999999m, long.MaxValue),
        ];

        await using (var create = dataSource.CreateCommand(
            $"CREATE TABLE {table} (symbol text NOT NULL, ts timestamptz NOT NULL, close numeric(20,6) NOT NULL, volume bigint NOT NULL, PRIMARY KEY (symbol, ts))"))
        {
            await create.ExecuteNonQueryAsync();
        }

        try
        {
            await using (var connection = await dataSource.OpenConnectionAsync())
            await using (var writer = await connection.BeginBinaryImportAsync($"COPY {table} (symbol, ts, close, volume) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var row in rows)
                {
                    await writer.StartRowAsync();
                    await writer.WriteAsync(row.Symbol, NpgsqlDbType.Text);
                    await writer.WriteAsync(row.Ts, NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync(row.Close, NpgsqlDbType.Numeric);
                    await writer.WriteAsync(row.Volume, NpgsqlDbType.Bigint);
                }
                await writer.CompleteAsync();
            }

            var read = new List<Row>();
            await using (var select = dataSource.CreateCommand($"SELECT symbol, ts, close, volume FROM {table} ORDER BY ts"))
            await using (var reader = await select.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                    read.Add(new Row(reader.GetString(0), reader.GetDateTime(1), reader.GetDecimal(2), reader.GetInt64(3)));
            }

            Assert.Equal(rows, read);
            Assert.All(read, row => Assert.Equal(DateTimeKind.Utc, row.Ts.Kind));
        }
        finally
        {
            await using var drop = dataSource.CreateCommand($"DROP TABLE IF EXISTS {table}");
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task A_duplicate_primary_key_is_refused_by_the_server()
    {
        await using var dataSource = await TestServers.OpenPostgresAsync();
        var table = "it_unique_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = await dataSource.OpenConnectionAsync();
        await using (var create = new NpgsqlCommand($"CREATE TEMP TABLE {table} (symbol text, ts timestamptz, PRIMARY KEY (symbol, ts))", connection))
            await create.ExecuteNonQueryAsync();

        var insert = $"INSERT INTO {table} VALUES ('SPY', '2024-01-02T14:30:00Z')";
        await using (var first = new NpgsqlCommand(insert, connection)) await first.ExecuteNonQueryAsync();

        await using var second = new NpgsqlCommand(insert, connection);
        var error = await Assert.ThrowsAsync<PostgresException>(() => second.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.UniqueViolation, error.SqlState);
    }
}
