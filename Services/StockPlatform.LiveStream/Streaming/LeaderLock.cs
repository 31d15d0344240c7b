using Npgsql;

namespace StockPlatform.LiveStream.Streaming;

/// <summary>
/// Leadership among live updater instances: Alpaca allows one stream connection per account, so
/// only the holder of a PostgreSQL session-level advisory lock connects. The lock lives as long
/// as its connection: a leader killed with <c>kill -9</c> loses it when the server notices the
/// dead session, and a standby instance takes over. The lock's session asks the server for TCP
/// keepalives, so a leader whose host vanished (no FIN, no RST) loses it within about half a minute.
/// </summary>
public sealed class LeaderLock(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    // Any constant will do, as long as nothing else in the database uses it.
    private const long LockKey = 0x5354_4F43_4B4C_4956; // "STOCKLIV"

    // A process that dies lets its kernel close the socket, and the server ends the session at
    // once. A host that vanishes (powered off, cut from the network) closes nothing: the idle
    // session, and the lock with it, would outlive it by the kernel's default keepalive of two
    // hours, with every standby locked out and the stream down. Probing after 10 s of quiet, every
    // 5 s, 3 times (and giving up on unacknowledged data as soon) ends it within about 25 s.
    // Ignored on a Unix socket, where the peer cannot vanish without the kernel knowing.
    private const string KeepAlive = """
        SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3; SET tcp_user_timeout = 25000
        """;

    private NpgsqlConnection? _connection;

    /// <summary>Takes the lock if no other instance holds it; true when this instance now leads.</summary>
    public async Task<bool> TryAcquireAsync(CancellationToken cancellationToken)
    {
        if (_connection is not null) return true;
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using (var keepAlive = new NpgsqlCommand(KeepAlive, connection))
                await keepAlive.ExecuteNonQueryAsync(cancellationToken);
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
