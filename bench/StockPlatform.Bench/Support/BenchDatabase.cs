using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using StockPlatform.Storage.Aggregates;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Calendar;
using StockPlatform.Storage.Features;
using StockPlatform.Storage.Infrastructure;
using StockPlatform.Storage.Extensions;
using StockPlatform.Storage.Schema;
using StockPlatform.Storage.Ticks;
using StockPlatform.Testing;

namespace StockPlatform.Bench.Support;

/// <summary>
/// A temporary database on the server of <c>--connection</c> (or <c>ConnectionStrings__stockplatform</c>),
/// with the stores wired as a service wires them. Disposing drops the database.
/// </summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private const string Hint = "Pass --connection \"Host=...;Username=...;Password=...\" or set ConnectionStrings__stockplatform.";

    private readonly ThrowawayDatabase _database;
    private readonly IHost _host;

    private BenchDatabase(ThrowawayDatabase database, IHost host)
    {
        _database = database;
        _host = host;
    }

    /// <summary>The temporary database's connection string.</summary>
    public string ConnectionString => _database.ConnectionString;

    public BarStore Bars => _host.Services.GetRequiredService<BarStore>();

    public StorageSchema Schema => _host.Services.GetRequiredService<StorageSchema>();

    public TradeStore Trades => _host.Services.GetRequiredService<TradeStore>();

    public QuoteStore Quotes => _host.Services.GetRequiredService<QuoteStore>();

    /// <summary>The stores' own data source.</summary>
    public NpgsqlDataSource DataSource => _host.Services.GetRequiredService<NpgsqlDataSource>();

    public CalendarStore Calendar => _host.Services.GetRequiredService<CalendarStore>();

    public FeatureStore Features => _host.Services.GetRequiredService<FeatureStore>();

    public DbRetry Retry => _host.Services.GetRequiredService<DbRetry>();

    public AggregateRefresher Refresher => _host.Services.GetRequiredService<AggregateRefresher>();

    /// <summary>
    /// The storage paths to measure side by side: plain PostgreSQL always, TimescaleDB when the
    /// server offers it; <c>--path plain|timescale</c> keeps one.
    /// </summary>
    public static async Task<IReadOnlyList<StoragePath>> PathsAsync(Arguments options)
    {
        var server = Server(options);
        await using var admin = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(server) { Database = "postgres" }.ConnectionString);
        await using var command = admin.CreateCommand("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')");
        var offered = (bool)(await command.ExecuteScalarAsync())!;
        List<StoragePath> paths = offered ? [StoragePath.Plain, StoragePath.Timescale] : [StoragePath.Plain];
        if (!offered) Console.WriteLine("note: the server does not offer TimescaleDB, so only the plain path is measured");
        return options.Text("path") is { } only ? paths.Where(p => p.ToString().Equals(only, StringComparison.OrdinalIgnoreCase)).ToList() : paths;
    }

    /// <summary>What the path is called in the tables and JSON lines.</summary>
    public static string Name(StoragePath path) => path == StoragePath.Timescale ? "timescaledb" : "plain";

    /// <summary>Creates the database on <paramref name="path"/>; <paramref name="capture"/> may record the SQL the stores send.</summary>
    public static async Task<BenchDatabase> CreateAsync(Arguments options, SqlCapture? capture = null, StoragePath path = StoragePath.Timescale)
    {
        var server = Server(options);
        var database = await ThrowawayDatabase.CreateAsync(server, "sp_bench_", Hint);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        if (capture is not null)
        {
            builder.Logging.AddProvider(capture);
            // Npgsql reports executed commands at Information, whatever Logging:LogLevel says.
            builder.Logging.AddFilter<SqlCapture>(null, LogLevel.Information);
        }
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:stockplatform"] = database.ConnectionString,
            // The TimescaleDB path is taken where the server offers it; plain tables when asked.
            ["Storage:Timescale"] = path == StoragePath.Plain ? "off" : "on",
        });
        builder.AddStorage();
        var bench = new BenchDatabase(database, builder.Build());
        var info = await bench.Schema.GetInfoAsync();
        if (info.Path != path) throw new InvalidOperationException($"asked for the {Name(path)} path, the database took {Name(info.Path)}");
        return bench;
    }

    private static string Server(Arguments options) =>
        (options.Text("connection") ?? Environment.GetEnvironmentVariable("ConnectionStrings__stockplatform")) is { Length: > 0 } server
            ? server
            : throw new InvalidOperationException("No database. " + Hint);

    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
    }

    public async Task<long> CountAsync(string table)
    {
        await using var command = DataSource.CreateCommand($"SELECT count(*) FROM {table}");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Runs a query to its end and counts its rows.</summary>
    public async Task<int> CountRowsAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = 0;
        while (await reader.ReadAsync()) rows++;
        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is IAsyncDisposable disposable) await disposable.DisposeAsync();
        else _host.Dispose();
        await _database.DisposeAsync();
    }
}
