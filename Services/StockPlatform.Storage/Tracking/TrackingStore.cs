using Npgsql;
using StockPlatform.Storage.Infrastructure;
using StockPlatform.Storage.Schema;

namespace StockPlatform.Storage.Tracking;

/// <summary>A symbol the live stream keeps current, and since when.</summary>
public sealed record TrackedSymbol(string Symbol, DateTimeOffset TrackedSince);

/// <summary>The symbols the live stream keeps current (<c>tracked_symbols</c>): the stream's subscription survives restarts here.</summary>
public sealed class TrackingStore(NpgsqlDataSource dataSource, StorageSchema schema, DbRetry retry)
{
    /// <summary>Tracks a symbol (again: nothing changes) and returns it with the time it has been tracked since.</summary>
    public async Task<TrackedSymbol> TrackAsync(string symbol, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync(async token =>
        {
            await using var command = dataSource.CreateCommand("""
                INSERT INTO tracked_symbols (symbol) VALUES (@symbol)
                ON CONFLICT (symbol) DO UPDATE SET symbol = excluded.symbol
                RETURNING symbol, tracked_since
                """);
            command.Parameters.AddWithValue("symbol", symbol);
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            await reader.ReadAsync(token).ConfigureAwait(false);
            return new TrackedSymbol(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1));
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops tracking a symbol; false when it was not tracked.</summary>
    public async Task<bool> UntrackAsync(string symbol, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync(async token =>
        {
            await using var command = dataSource.CreateCommand("DELETE FROM tracked_symbols WHERE symbol = @symbol");
            command.Parameters.AddWithValue("symbol", symbol);
            return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false) > 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every tracked symbol, in order.</summary>
    public async Task<IReadOnlyList<TrackedSymbol>> ListAsync(CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync<IReadOnlyList<TrackedSymbol>>(async token =>
        {
            await using var command = dataSource.CreateCommand("SELECT symbol, tracked_since FROM tracked_symbols ORDER BY symbol");
            var list = new List<TrackedSymbol>();
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            while (await reader.ReadAsync(token).ConfigureAwait(false))
                list.Add(new TrackedSymbol(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1)));
            return list;
        }, cancellationToken).ConfigureAwait(false);
    }
}
