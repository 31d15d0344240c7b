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

    // The definition each view was last made with in this process: a view reads globs, so it
    // changes only when a kind of file appears or goes (bars in day files, month files, or both).
    private readonly Dictionary<string, string> _made = [];

    /// <summary>Whether the catalog file exists (it does once the first partition is archived).</summary>
    public bool Exists => File.Exists(layout.CatalogPath);

    /// <summary>
    /// Creates the views whose datasets have files, or remakes one whose files changed kind; DuckDB
    /// refuses a view over a glob that matches nothing. Features of different sets have different
    /// columns, so that view unions by name. <paramref name="removing"/> are files about to be
    /// deleted: the views are made as if they were gone already.
    /// </summary>
    public async Task EnsureViewsAsync(IReadOnlySet<string>? removing, CancellationToken cancellationToken = default)
    {
        var wanted = new[]
        {
            (Name: "bars", Sql: BarsView(removing)),
            (Name: "features", Sql: Made("features") ? null : Simple(layout.FeaturesRoot, layout.FeaturesGlob, ", union_by_name = true")),
            (Name: "trades", Sql: Made("trades") ? null : Simple(layout.TradesRoot, layout.TradesGlob, "")),
            (Name: "quotes", Sql: Made("quotes") ? null : Simple(layout.QuotesRoot, layout.QuotesGlob, "")),
        }.Where(view => view.Sql is not null && !Made(view.Name, view.Sql)).ToList();
        if (wanted.Count == 0) return;

        await _gate.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(layout.CatalogPath)!);
            await using var connection = await OpenWithRetryAsync($"Data Source={layout.CatalogPath}", cancellationToken);
            await using var command = connection.CreateCommand();
            foreach (var (name, sql) in wanted)
            {
                command.CommandText = $"CREATE OR REPLACE VIEW {name} AS {sql}";
                await command.ExecuteNonQueryAsync(cancellationToken);
                lock (_made) _made[name] = sql!;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc cref="EnsureViewsAsync(IReadOnlySet{string}, CancellationToken)"/>
    public Task EnsureViewsAsync(CancellationToken cancellationToken = default) => EnsureViewsAsync(null, cancellationToken);

    /// <summary>The columns of the <c>bars</c> view, whatever files it reads (<c>dt</c> the New York session date).</summary>
    public const string BarsColumns = "symbol, ts, open, high, low, close, volume, trade_count, vwap, dt";

    private string? Simple(string dataset, string glob, string options) =>
        HasFiles(dataset) ? $"SELECT * FROM read_parquet('{Quote(glob)}', hive_partitioning = true{options})" : null;

    // Day files alone read as they always did. Month files carry dt as a column. With both (the
    // archive switched granularity), a session found in both is read from its month file only: a
    // month rewrite deletes the day files it takes in, and a day rewrite takes its session out of
    // the month file, so both copies exist only if a writer stopped between its two steps.
    private string? BarsView(IReadOnlySet<string>? removing)
    {
        var days = HasFiles(layout.BarsRoot, "dt=*", removing);
        var months = HasFiles(layout.BarsRoot, "month=*", removing);
        var day = $"read_parquet('{Quote(layout.BarsGlob)}', hive_partitioning = true)";
        var month = $"read_parquet('{Quote(layout.BarsMonthGlob)}', hive_partitioning = true)";
        return (days, months) switch
        {
            (true, false) => $"SELECT * FROM {day}",
            (false, true) => $"SELECT {BarsColumns} FROM {month}",
            (true, true) => $"SELECT {BarsColumns} FROM {month} UNION ALL " +
                $"SELECT {BarsColumns} FROM {day} ANTI JOIN (SELECT DISTINCT symbol, dt FROM {month}) USING (symbol, dt)",
            _ => null,
        };
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
        lock (_made) return _made.ContainsKey(view);
    }

    private bool Made(string view, string? sql)
    {
        lock (_made) return _made.TryGetValue(view, out var made) && made == sql;
    }

    private static bool HasFiles(string dataset) =>
        Directory.Exists(dataset) && Directory.EnumerateFiles(dataset, "*.parquet", SearchOption.AllDirectories).Any();

    // Whether any symbol has a file at this level (dt=* or month=*); stops at the first found.
    private static bool HasFiles(string dataset, string level, IReadOnlySet<string>? removing) =>
        Directory.Exists(dataset) && Directory.EnumerateDirectories(dataset, "symbol=*")
            .SelectMany(symbol => Directory.EnumerateDirectories(symbol, level))
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.parquet"))
            .Any(file => removing is null || !removing.Contains(file));

    private static string Quote(string text) => text.Replace("'", "''", StringComparison.Ordinal);
}
