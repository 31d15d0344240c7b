using StockPlatform.Storage.Schema;
using StockPlatform.Storage.Tests.Support;

namespace StockPlatform.Storage.Tests;

public sealed class MigrationTests
{
    private sealed record Applied(int Version, string Name, string? Variant, DateTime AppliedAt);

    [Fact]
    public async Task Eight_concurrent_migrations_of_a_new_database_apply_each_version_exactly_once()
    {
        await using var db = await StorageHost.CreateAsync();
        var path = await ExpectedPathAsync(db);
        var migrations = MigrationRunner.Load(path);

        // Eight services starting together: the advisory lock makes them take turns.
        var runs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => db.Migrations.MigrateAsync())));

        Assert.All(runs, info =>
        {
            Assert.Equal(path, info.Path);
            Assert.Equal(migrations[^1].Version, info.SchemaVersion);
        });
        var applied = await AppliedAsync(db);
        Assert.Equal(migrations.Select(m => m.Version), applied.Select(a => a.Version));
        Assert.Equal(path == StoragePath.Plain ? "plain" : "timescale", applied.Where(a => a.Variant is not null).Select(a => a.Variant).Distinct().Single());
        // The table's key would refuse a version twice; the log shows none was even attempted twice.
        Assert.Equal(migrations.Count, AppliedMessages(db));

        var again = await db.Migrations.MigrateAsync();

        Assert.Equal(runs[0], again);
        Assert.Equal(applied, await AppliedAsync(db));
        Assert.Equal(migrations.Count, AppliedMessages(db));
    }

    [Fact]
    public async Task A_database_with_timescaledb_switched_off_records_the_plain_path_on_any_server()
    {
        await using var db = await StorageHost.CreateAsync(settings: new Dictionary<string, string?> { ["Storage:Timescale"] = "off" });

        var info = await db.Schema.GetInfoAsync();

        Assert.Equal(StoragePath.Plain, info.Path);
        Assert.Null(info.TimescaleVersion);
        Assert.Contains("plain tables", info.Describe(), StringComparison.Ordinal);
        Assert.Equal(["plain"], (await AppliedAsync(db)).Where(a => a.Variant is not null).Select(a => a.Variant).Distinct());
        Assert.False(await db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')"));
    }

    [Fact]
    public void The_embedded_migrations_load_in_ascending_versions_with_one_variant_per_path()
    {
        var plain = MigrationRunner.Load(StoragePath.Plain);
        var timescale = MigrationRunner.Load(StoragePath.Timescale);

        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 }, plain.Select(m => m.Version));
        Assert.Equal(new[] { "core", "aggregates", "aggregate_refresh", "task_leases", "multi_symbol_jobs", "tracked_symbols", "archive_partitions", "features", "logs", "agents", "market_data", "market_data_storage", "job_datasets", "tracked_channels", "live_refills", "archive_session_checksums" }, plain.Select(m => m.Name));
        Assert.Equal(new[] { null, "plain", "plain", null, null, null, null, null, "plain", null, null, "plain", null, null, null, null }, plain.Select(m => m.Variant));
        Assert.Contains("CREATE TABLE bars_1m", plain[0].Sql, StringComparison.Ordinal);
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 }, timescale.Select(m => m.Version));
        Assert.Equal(new[] { null, "timescale", "timescale", null, null, null, null, null, "timescale", null, null, "timescale", null, null, null, null }, timescale.Select(m => m.Variant));
        Assert.Contains("create_hypertable", timescale[1].Sql, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE bars_dirty", timescale[2].Sql, StringComparison.Ordinal);
        // The shared migrations are the same text on both paths.
        Assert.Equal(plain[0], timescale[0]);
    }

    [Fact]
    public async Task The_stores_migrate_on_first_use_without_a_started_host()
    {
        await using var db = await StorageHost.CreateAsync();

        Assert.Empty(await db.Bars.GetSymbolsAsync());

        var path = await ExpectedPathAsync(db);
        Assert.Equal((long)MigrationRunner.Load(path).Count, await db.ScalarAsync<long>("SELECT count(*) FROM schema_migrations"));
        Assert.Equal(MigrationRunner.Load(path).Count, AppliedMessages(db));
    }

    // The path the runner should choose on this server: TimescaleDB when offered and not switched off.
    private static async Task<StoragePath> ExpectedPathAsync(StorageHost db)
    {
        if (string.Equals(Environment.GetEnvironmentVariable("STOCKPLATFORM_TIMESCALE"), "off", StringComparison.OrdinalIgnoreCase)) return StoragePath.Plain;
        var offered = await db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')");
        return offered ? StoragePath.Timescale : StoragePath.Plain;
    }

    private static int AppliedMessages(StorageHost db) =>
        db.Logs.Messages(nameof(MigrationRunner)).Count(m => m.StartsWith("Applied migration", StringComparison.Ordinal));

    private static async Task<List<Applied>> AppliedAsync(StorageHost db)
    {
        var rows = new List<Applied>();
        await using var command = db.DataSource.CreateCommand("SELECT version, name, variant, applied_at FROM schema_migrations ORDER BY version");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add(new Applied(reader.GetInt32(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetDateTime(3)));
        return rows;
    }
}
