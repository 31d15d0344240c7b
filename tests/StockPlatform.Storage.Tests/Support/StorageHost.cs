using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using StockPlatform.Storage.Aggregates;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Calendar;
using StockPlatform.Storage.Extensions;
using StockPlatform.Storage.Jobs;
using StockPlatform.Storage.Ledger;
using StockPlatform.Storage.Schema;
using StockPlatform.Testing;

namespace StockPlatform.Storage.Tests.Support;

/// <summary>
/// A new database with the stores wired exactly as a service wires them (<c>AddStorage</c> on a
/// host builder). The host is never started: the stores migrate lazily through StorageSchema.
/// Disposing drops the database.
/// </summary>
internal sealed class StorageHost : IAsyncDisposable
{
    private readonly ThrowawayDatabase _database;
    private readonly IHost _host;

    private StorageHost(ThrowawayDatabase database, IHost host, LogCollector logs)
    {
        _database = database;
        _host = host;
        Logs = logs;
    }

    public string Database => _database.Name;

    public LogCollector Logs { get; }

    public IServiceProvider Services => _host.Services;

    public BarStore Bars => Services.GetRequiredService<BarStore>();

    public CalendarStore Calendar => Services.GetRequiredService<CalendarStore>();

    public IngestLedger Ledger => Services.GetRequiredService<IngestLedger>();

    public JobStore Jobs => Services.GetRequiredService<JobStore>();

    public MigrationRunner Migrations => Services.GetRequiredService<MigrationRunner>();

    public StorageSchema Schema => Services.GetRequiredService<StorageSchema>();

    public AggregateRefresher Refresher => Services.GetRequiredService<AggregateRefresher>();

    /// <summary>The data source the stores use, for checks the stores do not offer.</summary>
    public NpgsqlDataSource DataSource => Services.GetRequiredService<NpgsqlDataSource>();

    /// <summary>
    /// Creates the database and the host; <paramref name="time"/> replaces the clock the stores read,
    /// <paramref name="settings"/> adds configuration (e.g. <c>Storage:Timescale</c>).
    /// </summary>
    public static async Task<StorageHost> CreateAsync(TimeProvider? time = null, IDictionary<string, string?>? settings = null, string? server = null)
    {
        var database = server is null ? await TestServer.CreateDatabaseAsync() : await ThrowawayDatabase.CreateAsync(server, "sp_", "a server of the test's own");
        try
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            var logs = new LogCollector();
            builder.Logging.AddProvider(logs);
            // test.sh sets Logging__LogLevel__Default=Warning for the services; the collector needs Information.
            builder.Logging.AddFilter<LogCollector>(null, LogLevel.Information);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:stockplatform"] = database.ConnectionString,
            });
            if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
            // Registered before AddStorage, whose TryAdd then keeps it.
            if (time is not null) builder.Services.AddSingleton(time);
            builder.AddStorage();
            return new StorageHost(database, builder.Build(), logs);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>One value from a query on this database.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Compresses every chunk of a TimescaleDB hypertable. The table's compression policy may
    /// compress a chunk at the same moment (42710, already compressed): that chunk is done too.
    /// </summary>
    public Task CompressAllChunksAsync(string hypertable) => ExecuteAsync($"""
        DO $$
        DECLARE c regclass;
        BEGIN
            FOR c IN SELECT show_chunks('{hypertable}') LOOP
                BEGIN
                    PERFORM compress_chunk(c, if_not_compressed => true);
                EXCEPTION WHEN duplicate_object THEN NULL;
                END;
            END LOOP;
        END $$
        """);

    /// <summary>Runs a statement on this database.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Rows in bars_1m.</summary>
    public Task<long> CountBarsAsync() => ScalarAsync<long>("SELECT count(*) FROM bars_1m");

    public async ValueTask DisposeAsync()
    {
        if (_host is IAsyncDisposable disposable) await disposable.DisposeAsync();
        else _host.Dispose();
        await _database.DisposeAsync();
    }
}
