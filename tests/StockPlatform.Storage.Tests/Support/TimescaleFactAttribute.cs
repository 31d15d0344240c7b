using Npgsql;

namespace StockPlatform.Storage.Tests.Support;

/// <summary>
/// A test of the TimescaleDB path itself (compression, the aggregates' refresh): it runs when the
/// test server offers TimescaleDB and the run is not forced onto plain tables
/// (<c>STOCKPLATFORM_TIMESCALE=off</c>), and is reported as skipped, with the reason, otherwise.
/// </summary>
public sealed class TimescaleFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Unavailable = new(Check);

    public TimescaleFactAttribute()
    {
        if (Unavailable.Value is { } reason) Skip = reason;
    }

    private static string? Check()
    {
        if (string.Equals(Environment.GetEnvironmentVariable("STOCKPLATFORM_TIMESCALE"), "off", StringComparison.OrdinalIgnoreCase))
            return "this run is on the plain path (STOCKPLATFORM_TIMESCALE=off)";
        try
        {
            using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(TestServer.ConnectionString) { Database = "postgres" }.ConnectionString);
            connection.Open();
            using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')", connection);
            return (bool)command.ExecuteScalar()! ? null : "the test server does not offer TimescaleDB (scripts/setup.sh installs it from TIMESCALEDB_DIST)";
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The tests themselves report an unreachable server.
            return null;
        }
    }
}
