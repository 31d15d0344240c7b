using Npgsql;
using StockPlatform.Storage.Infrastructure;
using StockPlatform.Storage.Schema;

namespace StockPlatform.Storage.Tracking;

/// <summary>A symbol the live stream keeps current, since when, and whether its trades and quotes stream too (bars always do).</summary>
public sealed record TrackedSymbol(string Symbol, DateTimeOffset TrackedSince, bool Trades = false, bool Quotes = false);

/// <summary>The symbols the live stream keeps current (<c>tracked_symbols</c>): the stream's subscription survives restarts here.</summary>
public sealed class TrackingStore(NpgsqlDataSource dataSource, StorageSchema schema, DbRetry retry)
{
    /// <summary>
    /// Tracks a symbol's bars, and its trades and quotes when asked, and returns it. Again: the
    /// channels given change, those left null keep what they were (off for a new symbol), the
    /// time it is tracked since stays.
    /// </summary>
    public async Task<TrackedSymbol> TrackAsync(string symbol, bool? trades = null, bool? quotes = null, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync(async token =>
        {
            await using var command = dataSource.CreateCommand("""
                INSERT INTO tracked_symbols (symbol, trades, quotes) VALUES (@symbol, coalesce(@trades, false), coalesce(@quotes, false))
                ON CONFLICT (symbol) DO UPDATE SET
                    trades = coalesce(@trades, tracked_symbols.trades), quotes = coalesce(@quotes, tracked_symbols.quotes)
                RETURNING symbol, tracked_since, trades, quotes
                """);
            command.Parameters.AddWithValue("symbol", symbol);
            command.Parameters.AddWithValue("trades", NpgsqlTypes.NpgsqlDbType.Boolean, (object?)trades ?? DBNull.Value);
            command.Parameters.AddWithValue("quotes", NpgsqlTypes.NpgsqlDbType.Boolean, (object?)quotes ?? DBNull.Value);
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            await reader.ReadAsync(token).ConfigureAwait(false);
            return new TrackedSymbol(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetBoolean(2), reader.GetBoolean(3));
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
            await using var command = dataSource.CreateCommand("SELECT symbol, tracked_since, trades, quotes FROM tracked_symbols ORDER BY symbol");
            var list = new List<TrackedSymbol>();
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            while (await reader.ReadAsync(token).ConfigureAwait(false))
                list.Add(new TrackedSymbol(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetBoolean(2), reader.GetBoolean(3)));
            return list;
        }, cancellationToken).ConfigureAwait(false);
    }
}
