using DuckDB.NET.Data;
using StockPlatform.Archive.Partitions;

namespace StockPlatform.Archive.Query;

/// <summary>
/// The DuckDB database of views over the archive (<c>data/duckdb/stockplatform.duckdb</c>), so a
/// user opens it with the DuckDB CLI or Python and queries <c>bars</c>, <c>features</c>, <c>trades</c>
/// and <c>quotes</c> at once;
/// and the sandboxed, read-only connection the platform's own queries go through.
/// </summary>
public sealed class ArchiveCatalog(ArchiveLayout layout)
{
    private const int LockAttempts = 20;

    // One writer of the catalog file at a time in this process (DuckDB shares one instance per file).
    private readonly SemaphoreSlim _gate = new(1, 1);

    // A view reads a glob, so it never changes once made: each is made once per process, not per partition.
    private readonly HashSet<string> _made = [];

    /// <summary>Whether the catalog file exists (it does once the first partition is archived).</summary>
    public bool Exists => File.Exists(layout.CatalogPath);

    /// <summary>
    /// Creates the views whose datasets have files; DuckDB refuses a view over a glob that matches
    /// nothing. Features of different sets have different columns, so that view unions by name.
    /// </summary>
    public async Task EnsureViewsAsync(CancellationToken cancellationToken = default)
    {
        var wanted = new[]
        {
            (Name: "bars", Dataset: layout.BarsRoot, Glob: layout.BarsGlob, Options: ""),
            (Name: "features", Dataset: layout.FeaturesRoot, Glob: layout.FeaturesGlob, Options: ", union_by_name = true"),
            (Name: "trades", Dataset: layout.TradesRoot, Glob: layout.TradesGlob, Options: ""),
            (Name: "quotes", Dataset: layout.QuotesRoot, Glob: layout.QuotesGlob, Options: ""),
        }.Where(view => !Made(view.Name) && HasFiles(view.Dataset)).ToList();
        if (wanted.Count == 0) return;

        await _gate.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(layout.CatalogPath)!);
            await using var connection = await OpenWithRetryAsync($"Data Source={layout.CatalogPath}", cancellationToken);
            await using var command = connection.CreateCommand();
            foreach (var (name, _, glob, options) in wanted)
            {
                command.CommandText = $"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet('{Quote(glob)}', hive_partitioning = true{options})";
                await command.ExecuteNonQueryAsync(cancellationToken);
                lock (_made) _made.Add(name);
            }
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
        var connection = await OpenWithRetryAsync($"Data Source={layout.CatalogPath};ACCESS_MODE=READ_ONLY", cancellationToken);
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

    // Another process (the feature agent making a view, a user's CLI) may hold the file's lock for a
    // moment; DuckDB refuses the open rather than waiting, so wait here, a bounded number of times.
    private static async Task<DuckDBConnection> OpenWithRetryAsync(string connectionString, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var connection = new DuckDBConnection(connectionString);
            try
            {
                await connection.OpenAsync(cancellationToken);
                return connection;
            }
            catch (DuckDBException exception) when (attempt < LockAttempts && exception.Message.Contains("lock", StringComparison.OrdinalIgnoreCase))
            {
                await connection.DisposeAsync();
                await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt), cancellationToken);
            }
        }
    }

    private bool Made(string view)
    {
        lock (_made) return _made.Contains(view);
    }

    private static bool HasFiles(string dataset) =>
        Directory.Exists(dataset) && Directory.EnumerateFiles(dataset, "*.parquet", SearchOption.AllDirectories).Any();

    private static string Quote(string text) => text.Replace("'", "''", StringComparison.Ordinal);
}
