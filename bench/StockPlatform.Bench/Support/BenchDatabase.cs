using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Extensions;
using StockPlatform.Storage.Schema;
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

    /// <summary>The stores' own data source.</summary>
    public NpgsqlDataSource DataSource => _host.Services.GetRequiredService<NpgsqlDataSource>();

    /// <summary>Creates the database; <paramref name="capture"/> may record the SQL the stores send.</summary>
    public static async Task<BenchDatabase> CreateAsync(Arguments options, SqlCapture? capture = null)
    {
        var server = options.Text("connection") ?? Environment.GetEnvironmentVariable("ConnectionStrings__stockplatform");
        if (string.IsNullOrWhiteSpace(server)) throw new InvalidOperationException("No database. " + Hint);

        var database = await ThrowawayDatabase.CreateAsync(server, "sp_bench_", Hint);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        if (capture is not null)
        {
            builder.Logging.AddProvider(capture);
            // Npgsql reports executed commands at Information, whatever Logging:LogLevel says.
            builder.Logging.AddFilter<SqlCapture>(null, LogLevel.Information);
        }
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:stockplatform"] = database.ConnectionString });
        builder.AddStorage();
        return new BenchDatabase(database, builder.Build());
    }

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

    public async ValueTask DisposeAsync()
    {
        if (_host is IAsyncDisposable disposable) await disposable.DisposeAsync();
        else _host.Dispose();
        await _database.DisposeAsync();
    }
}
