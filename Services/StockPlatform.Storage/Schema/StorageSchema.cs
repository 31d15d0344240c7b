namespace StockPlatform.Storage.Schema;

/// <summary>
/// Runs the migrations once per process and tells the stores which path the database is on.
/// Every store awaits it first, so nothing touches a table before the schema exists.
/// </summary>
public sealed class StorageSchema(MigrationRunner runner)
{
    private readonly object _gate = new();
    private Task<StorageInfo>? _ready;

    /// <summary>The migrated schema's description; migrates on first call, retries after a failure.</summary>
    public Task<StorageInfo> GetInfoAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_ready is null || _ready.IsFaulted || _ready.IsCanceled)
            {
                // The process's migration, not the first caller's: it takes none of that caller's
                // ambient state (its trace, or the log shipper's "do not ship" mark on its writes).
                using (ExecutionContext.SuppressFlow()) _ready = Task.Run(() => runner.MigrateAsync(CancellationToken.None));
            }
            return _ready.WaitAsync(cancellationToken);
        }
    }
}
