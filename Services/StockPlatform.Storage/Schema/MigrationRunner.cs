using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StockPlatform.Storage.Infrastructure;

namespace StockPlatform.Storage.Schema;

/// <summary>
/// Applies the SQL files embedded under <c>Migrations/</c> in version order, each once, inside a
/// transaction, recording them in <c>schema_migrations</c>. A PostgreSQL advisory lock makes
/// services that start together take turns: the first applies, the others find it done.
/// A version may come in two variants, <c>NNNN_name.timescale.sql</c> and <c>NNNN_name.plain.sql</c>;
/// the path is chosen once, when the database is new, and recorded.
/// </summary>
public sealed partial class MigrationRunner(NpgsqlDataSource dataSource, DbRetry retry, IOptions<StorageOptions> options, ILogger<MigrationRunner> logger)
{
    // Any constant will do, as long as nothing else in the database uses it.
    private const long AdvisoryLockKey = 0x5354_4F43_4B50_4C41; // "STOCKPLA"

    private static readonly Regex FileName = new(@"Migrations\.(?<version>\d{4})_(?<name>[a-z0-9_]+?)(\.(?<variant>timescale|plain))?\.sql$", RegexOptions.Compiled);

    private const int ConnectionAttempts = 3;

    /// <summary>Brings the schema up to date and returns what the store runs on.</summary>
    public async Task<StorageInfo> MigrateAsync(CancellationToken cancellationToken = default)
    {
        // A migration's connection can break under it (a server restart, a backend terminated):
        // its transaction rolled back with it, so the whole pass starts over on a new connection.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await MigrateOnceAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (attempt < ConnectionAttempts && IsBrokenConnection(ex) && !cancellationToken.IsCancellationRequested)
            {
                LogConnectionLost(attempt, ex.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static bool IsBrokenConnection(Exception exception) =>
        exception is NpgsqlException { IsTransient: true } || (exception is InvalidOperationException && exception.Message.Contains("Connection is not open", StringComparison.Ordinal));

    private async Task<StorageInfo> MigrateOnceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "SELECT pg_advisory_lock(@key)", cancellationToken, ("key", AdvisoryLockKey)).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version     integer PRIMARY KEY,
                    name        text NOT NULL,
                    variant     text,
                    applied_at  timestamptz NOT NULL DEFAULT now())
                """, cancellationToken).ConfigureAwait(false);

            var applied = await AppliedAsync(connection, cancellationToken).ConfigureAwait(false);
            var path = await ChoosePathAsync(connection, applied, cancellationToken).ConfigureAwait(false);

            foreach (var migration in Load(path).Where(m => !applied.ContainsKey(m.Version)))
            {
                // TimescaleDB's DDL touches catalogs shared by every database of the server, so
                // migrations of other databases running at the same moment can deadlock with it
                // or update or delete the same catalog row: the whole transaction rolled back, it is retried.
                await retry.ExecuteAsync(async token =>
                {
                    await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
                    await ExecuteAsync(connection, migration.Sql, token).ConfigureAwait(false);
                    await ExecuteAsync(connection, "INSERT INTO schema_migrations (version, name, variant) VALUES (@v, @n, @variant)", token,
                        ("v", migration.Version), ("n", migration.Name), ("variant", (object?)migration.Variant ?? DBNull.Value)).ConfigureAwait(false);
                    await transaction.CommitAsync(token).ConfigureAwait(false);
                }, IsConcurrentCatalogUpdate, cancellationToken).ConfigureAwait(false);
                LogApplied(migration.Version, migration.Name, migration.Variant ?? "both");
            }

            if (path == StoragePath.Timescale)
            {
                await ApplyCompressionPolicyAsync(connection, cancellationToken).ConfigureAwait(false);
                await ApplyLogRetentionPolicyAsync(connection, cancellationToken).ConfigureAwait(false);
            }

            var info = await DescribeAsync(connection, path, cancellationToken).ConfigureAwait(false);
            LogReady(info.Describe(), info.SchemaVersion);
            return info;
        }
        finally
        {
            // A connection the server closed has released the lock with its session, and an
            // unlock on it would only hide the error that closed it.
            if (connection.State == System.Data.ConnectionState.Open)
                await ExecuteAsync(connection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, ("key", AdvisoryLockKey)).ConfigureAwait(false);
        }
    }

    private static bool IsConcurrentCatalogUpdate(PostgresException exception) =>
        exception.SqlState == PostgresErrorCodes.InternalError
        && (exception.MessageText.Contains("concurrently updated", StringComparison.Ordinal) || exception.MessageText.Contains("concurrently deleted", StringComparison.Ordinal));

    /// <summary>The migrations of a path, in version order (exposed for tests).</summary>
    internal static IReadOnlyList<Migration> Load(StoragePath path)
    {
        var assembly = typeof(MigrationRunner).Assembly;
        var wanted = path == StoragePath.Timescale ? "timescale" : "plain";
        return assembly.GetManifestResourceNames()
            .Select(resource => (resource, match: FileName.Match(resource)))
            .Where(item => item.match.Success)
            .Select(item => new Migration(
                int.Parse(item.match.Groups["version"].Value, System.Globalization.CultureInfo.InvariantCulture),
                item.match.Groups["name"].Value,
                item.match.Groups["variant"].Success ? item.match.Groups["variant"].Value : null,
                ReadResource(assembly, item.resource)))
            .Where(m => m.Variant is null || m.Variant == wanted)
            .OrderBy(m => m.Version)
            .ToList();
    }

    private async Task<StoragePath> ChoosePathAsync(NpgsqlConnection connection, Dictionary<int, string?> applied, CancellationToken cancellationToken)
    {
        // A database keeps the path it started with: switching would need a data migration.
        var recorded = applied.Values.FirstOrDefault(v => v is not null);
        if (recorded is not null)
        {
            var path = recorded == "timescale" ? StoragePath.Timescale : StoragePath.Plain;
            if (path == StoragePath.Timescale)
            {
                await RequirePreloadAsync(connection, pathRecorded: true, cancellationToken).ConfigureAwait(false);
                await EnsureExtensionAsync(connection, cancellationToken).ConfigureAwait(false);
            }
            return path;
        }

        if (!IsTimescaleWanted())
        {
            LogPathChosen("plain", "disabled by configuration (STOCKPLATFORM_TIMESCALE=off)");
            return StoragePath.Plain;
        }

        var available = await ScalarAsync<bool>(connection, "SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')", cancellationToken).ConfigureAwait(false);
        if (!available)
        {
            LogPathChosen("plain", "the server does not offer the timescaledb extension");
            return StoragePath.Plain;
        }

        await RequirePreloadAsync(connection, pathRecorded: false, cancellationToken).ConfigureAwait(false);
        await EnsureExtensionAsync(connection, cancellationToken).ConfigureAwait(false);
        LogPathChosen("timescale", "the timescaledb extension is available");
        return StoragePath.Timescale;
    }

    private bool IsTimescaleWanted() =>
        !string.Equals(Environment.GetEnvironmentVariable("STOCKPLATFORM_TIMESCALE") ?? options.Value.Timescale, "off", StringComparison.OrdinalIgnoreCase);

    private static Task EnsureExtensionAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, "CREATE EXTENSION IF NOT EXISTS timescaledb", cancellationToken);

    /// <summary>
    /// Without the preload, the extension ends the session with a FATAL error that only
    /// PostgreSQL's own log explains: say what is wrong, and how to fix it, instead.
    /// </summary>
    private static async Task RequirePreloadAsync(NpgsqlConnection connection, bool pathRecorded, CancellationToken cancellationToken)
    {
        var preloaded = await ScalarAsync<bool>(connection,
            "SELECT 'timescaledb' = ANY (string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ','))",
            cancellationToken).ConfigureAwait(false);
        if (preloaded) return;

        const string Fix = "Add timescaledb to shared_preload_libraries in postgresql.conf (or start PostgreSQL with -c shared_preload_libraries=timescaledb) and restart it";
        throw new InvalidOperationException(pathRecorded
            ? $"This database is on the TimescaleDB path, but the server does not preload it. {Fix}. STOCKPLATFORM_TIMESCALE=off applies to new databases only: this one keeps its path."
            : $"The PostgreSQL server has TimescaleDB installed but does not preload it. {Fix}, or set STOCKPLATFORM_TIMESCALE=off to store bars in plain PostgreSQL tables.");
    }

    private async Task ApplyCompressionPolicyAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // Re-created at every start so a changed Storage:CompressAfter takes effect; in one
        // transaction, so a crash in between never leaves the table without a policy.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "SELECT remove_compression_policy('bars_1m', if_exists => true)", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "SELECT add_compression_policy('bars_1m', compress_after => @age)", cancellationToken, ("age", options.Value.CompressAfter)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task ApplyLogRetentionPolicyAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // As the compression policy: a changed Storage:LogRetention takes effect at the next start.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "SELECT remove_retention_policy('logs', if_exists => true)", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "SELECT add_retention_policy('logs', drop_after => @age)", cancellationToken, ("age", options.Value.LogRetention)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<StorageInfo> DescribeAsync(NpgsqlConnection connection, StoragePath path, CancellationToken cancellationToken)
    {
        var server = await ScalarAsync<string>(connection, "SHOW server_version", cancellationToken).ConfigureAwait(false);
        var timescale = path == StoragePath.Timescale
            ? await ScalarAsync<string>(connection, "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'", cancellationToken).ConfigureAwait(false)
            : null;
        var version = await ScalarAsync<int>(connection, "SELECT coalesce(max(version), 0) FROM schema_migrations", cancellationToken).ConfigureAwait(false);
        return new StorageInfo(path, server.Split(' ')[0], timescale, version);
    }

    private static async Task<Dictionary<int, string?>> AppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<int, string?>();
        await using var command = new NpgsqlCommand("SELECT version, variant FROM schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            applied[reader.GetInt32(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>One migration file.</summary>
    internal sealed record Migration(int Version, string Name, string? Variant, string Sql);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The migration's connection was lost (attempt {Attempt}): {Reason}; starting over on a new connection")]
    private partial void LogConnectionLost(int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Version} {Name} ({Variant})")]
    private partial void LogApplied(int version, string name, string variant);

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage path: {Path} ({Reason})")]
    private partial void LogPathChosen(string path, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hot store ready: {Description}, schema version {SchemaVersion}")]
    private partial void LogReady(string description, int schemaVersion);
}
