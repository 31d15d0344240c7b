using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Extensions;
using StockPlatform.Storage.Schema;

namespace StockPlatform.Bench.Support;

/// <summary>
/// A temporary database on the server of <c>--connection</c> (or <c>ConnectionStrings__stockplatform</c>),
/// with the stores wired as a service wires them. Disposing drops the database.
/// </summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly NpgsqlDataSource _admin;
    private readonly IHost _host;

    private BenchDatabase(NpgsqlDataSource admin, string name, string connectionString, IHost host)
    {
        _admin = admin;
        Name = name;
        ConnectionString = connectionString;
        _host = host;
    }

    public string Name { get; }

    /// <summary>The temporary database's connection string.</summary>
    public string ConnectionString { get; }

    public BarStore Bars => _host.Services.GetRequiredService<BarStore>();

    public StorageSchema Schema => _host.Services.GetRequiredService<StorageSchema>();

    /// <summary>The stores' own data source.</summary>
    public NpgsqlDataSource DataSource => _host.Services.GetRequiredService<NpgsqlDataSource>();

    /// <summary>Creates the database; <paramref name="capture"/> may record the SQL the stores send.</summary>
    public static async Task<BenchDatabase> CreateAsync(Arguments options, SqlCapture? capture = null)
    {
        var server = options.Text("connection") ?? Environment.GetEnvironmentVariable("ConnectionStrings__stockplatform");
        if (string.IsNullOrWhiteSpace(server))
            throw new InvalidOperationException("No database: pass --connection \"Host=...;Username=...;Password=...\" or set ConnectionStrings__stockplatform.");

        var admin = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(server) { Database = "postgres" }.ConnectionString);
        var name = "sp_bench_" + Guid.NewGuid().ToString("N")[..12];
        await using (var create = admin.CreateCommand($"CREATE DATABASE {name}")) await create.ExecuteNonQueryAsync();

        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        if (capture is not null)
        {
            builder.Logging.AddProvider(capture);
            // Npgsql reports executed commands at Information, whatever Logging:LogLevel says.
            builder.Logging.AddFilter<SqlCapture>(null, LogLevel.Information);
        }
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:stockplatform"] = connectionString });
        builder.AddStorage();
        return new BenchDatabase(admin, name, connectionString, builder.Build());
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
        await using (var drop = _admin.CreateCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)")) await drop.ExecuteNonQueryAsync();
        await _admin.DisposeAsync();
    }
}
