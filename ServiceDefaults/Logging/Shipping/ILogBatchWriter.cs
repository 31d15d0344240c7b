namespace StockPlatform.ServiceDefaults.Logging.Shipping;

/// <summary>
/// Where shipped logs are written (the storage library's <c>LogStore</c>: PostgreSQL's <c>logs</c>
/// table). Called by one background writer at a time, never on a caller's logging path.
/// </summary>
public interface ILogBatchWriter
{
    /// <summary>
    /// Writes the batch, all or nothing; throws when it could not (the batch is then kept and
    /// written again later, so a write that failed after committing may store it twice).
    /// </summary>
    Task WriteAsync(IReadOnlyList<LogRecord> batch, CancellationToken cancellationToken);
}
