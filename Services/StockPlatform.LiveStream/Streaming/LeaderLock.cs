using Npgsql;

namespace StockPlatform.LiveStream.Streaming;

/// <summary>
/// Leadership among live updater instances: Alpaca allows one stream connection per account, so
/// only the holder of a PostgreSQL session-level advisory lock connects. The lock lives as long
/// as its connection: a leader killed with <c>kill -9</c> loses it when the server notices the
/// dead session, and a standby instance takes over.
/// </summary>
public sealed class LeaderLock(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    // Any constant will do, as long as nothing else in the database uses it.
    private const long LockKey = 0x5354_4F43_4B4C_4956; // "STOCKLIV"

    private NpgsqlConnection? _connection;

    /// <summary>Takes the lock if no other instance holds it; true when this instance now leads.</summary>
    public async Task<bool> TryAcquireAsync(CancellationToken cancellationToken)
    {
        if (_connection is not null) return true;
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
            command.Parameters.AddWithValue("key", LockKey);
            if ((bool)(await command.ExecuteScalarAsync(cancellationToken))!)
            {
                _connection = connection;
                return true;
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        await connection.DisposeAsync();
        return false;
    }

    /// <summary>True while the lock's connection still answers (the lock holds exactly as long).</summary>
    public async Task<bool> IsHeldAsync(CancellationToken cancellationToken)
    {
        if (_connection is null) return false;
        try
        {
            await using var command = new NpgsqlCommand("SELECT 1", _connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            await ReleaseAsync();
            return false;
        }
    }

    /// <summary>Gives the lock up (a pooled connection outlives its use, so the lock is released explicitly).</summary>
    public async Task ReleaseAsync()
    {
        if (_connection is null) return;
        var connection = _connection;
        _connection = null;
        try
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
                command.Parameters.AddWithValue("key", LockKey);
                await command.ExecuteScalarAsync(CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The connection is gone, and the session that held the lock with it.
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync() => await ReleaseAsync();
}
