using DuckDB.NET.Data;
using StockPlatform.Archive.Partitions;

namespace StockPlatform.Archive.Query;

/// <summary>
/// The DuckDB database of views over the archive (<c>data/duckdb/stockplatform.duckdb</c>), so a
/// user opens it with the DuckDB CLI or Python and queries <c>bars</c> at once; and the sandboxed,
/// read-only connection the platform's own queries go through.
/// </summary>
public sealed class ArchiveCatalog(ArchiveLayout layout)
{
    // One writer of the catalog file at a time in this process (DuckDB shares one instance per file).
    private readonly SemaphoreSlim _gate = new(1, 1);

    // The view reads a glob, so it never changes once made: made once per process, not per partition.
    private volatile bool _barsView;

    /// <summary>Creates the views; DuckDB refuses a view over a glob that matches nothing, so only datasets with files get one.</summary>
    public async Task EnsureViewsAsync(CancellationToken cancellationToken = default)
    {
        if (_barsView) return;
        var bars = Path.Combine(layout.ParquetRoot, "bars");
        if (!Directory.Exists(bars) || !Directory.EnumerateFiles(bars, "*.parquet", SearchOption.AllDirectories).Any()) return;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_barsView) return;
            Directory.CreateDirectory(Path.GetDirectoryName(layout.CatalogPath)!);
            await using var connection = new DuckDBConnection($"Data Source={layout.CatalogPath}");
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE OR REPLACE VIEW bars AS SELECT * FROM read_parquet('{Quote(layout.BarsGlob)}', hive_partitioning = true)";
            await command.ExecuteNonQueryAsync(cancellationToken);
            _barsView = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// A connection to the catalog that can read the archive and nothing else: read-only, file
    /// access limited to the archive, external access and extension loading off, and the
    /// configuration locked last (each later setting blocks changing the earlier ones).
    /// </summary>
    public async Task<DuckDBConnection> OpenSandboxedAsync(CancellationToken cancellationToken = default)
    {
        var connection = new DuckDBConnection($"Data Source={layout.CatalogPath};ACCESS_MODE=READ_ONLY");
        await connection.OpenAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            foreach (var setting in new[]
            {
                "SET TimeZone = 'UTC'",
                $"SET allowed_directories = ['{Quote(layout.ParquetRoot.TrimEnd('/'))}/']",
                "SET enable_external_access = false",
                "SET autoinstall_known_extensions = false",
                "SET autoload_known_extensions = false",
                "SET lock_configuration = true",
            })
            {
                command.CommandText = setting;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static string Quote(string text) => text.Replace("'", "''", StringComparison.Ordinal);
}
