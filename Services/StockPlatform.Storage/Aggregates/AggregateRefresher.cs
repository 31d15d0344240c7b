using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StockPlatform.Storage.Infrastructure;
using StockPlatform.Storage.Schema;

namespace StockPlatform.Storage.Aggregates;

/// <summary>
/// Brings the TimescaleDB path's continuous aggregates up to the minutes written (the hours in
/// <c>bars_dirty</c>, see migration 0003), off the write path: the changed ranges of every symbol
/// and writer are coalesced into time windows, each refreshed once, finest aggregate first (each
/// is built from the one below). One refresher runs at a time across all processes, under an
/// advisory lock, so refreshes never collide. Only the rows read before the refresh are deleted:
/// a write that lands meanwhile stays dirty for the next pass.
/// </summary>
public sealed partial class AggregateRefresher(
    NpgsqlDataSource dataSource,
    StorageSchema schema,
    DbRetry retry,
    IOptions<AggregateRefreshOptions> options,
    ILogger<AggregateRefresher> logger)
{
    // Another constant than the migrations' lock: a refresh may run while a service migrates.
    private const long AdvisoryLockKey = 0x5354_4F43_4B52_4546; // "STOCKREF"

    /// <summary>The aggregates in refresh order: each coarser one is built from the previous.</summary>
    internal static readonly string[] Aggregates = ["bars_5m", "bars_15m", "bars_30m", "bars_1h"];

    /// <summary>
    /// One pass. Without <paramref name="force"/> it waits for writes to pause (or for the oldest
    /// change to be old enough); with it, it refreshes whatever is dirty now. Returns what it did.
    /// </summary>
    public async Task<RefreshOutcome> RefreshAsync(bool force = false, CancellationToken cancellationToken = default)
    {
        var info = await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        if (info.Path != StoragePath.Timescale) return RefreshOutcome.NotNeeded;

        return await retry.ExecuteAsync(async token =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
            if (!await ScalarAsync<bool>(connection, "SELECT pg_try_advisory_lock(@key)", token, ("key", AdvisoryLockKey)).ConfigureAwait(false))
                return RefreshOutcome.Busy;
            try
            {
                return await RefreshLockedAsync(connection, force, token).ConfigureAwait(false);
            }
            finally
            {
                // A broken connection has released the lock with its session already.
                if (connection.State == System.Data.ConnectionState.Open)
                    await ScalarAsync<bool>(connection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, ("key", AdvisoryLockKey)).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<RefreshOutcome> RefreshLockedAsync(NpgsqlConnection connection, bool force, CancellationToken token)
    {
        // Ages on the server's clock, which stamped the rows.
        var dirty = new List<(long Id, DateTime From, DateTime To, TimeSpan Age)>();
        await using (var read = new NpgsqlCommand("SELECT id, from_ts, to_ts, clock_timestamp() - created_at FROM bars_dirty ORDER BY from_ts", connection))
        await using (var reader = await read.ExecuteReaderAsync(token).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(token).ConfigureAwait(false))
                dirty.Add((reader.GetInt64(0), reader.GetDateTime(1), reader.GetDateTime(2), reader.GetTimeSpan(3)));
        }
        if (dirty.Count == 0) return RefreshOutcome.NotNeeded;

        var settings = options.Value;
        if (!force && dirty.Min(d => d.Age) < settings.QuietPeriod && dirty.Max(d => d.Age) < settings.MaxDelay)
            return RefreshOutcome.Waiting;

        var windows = Coalesce(dirty.Select(d => (d.From, d.To)), settings.MergeGap);
        var clock = Stopwatch.StartNew();
        foreach (var (from, to) in windows)
        {
            foreach (var view in Aggregates)
            {
                // CALL cannot run in a transaction: each refresh commits on its own, and a retry
                // (a restart mid-way) repeats the whole pass, which refreshing again makes right.
                // One batch for the whole window: TimescaleDB's default of ten buckets per batch
                // made a year's refresh eight times slower.
                await using var refresh = new NpgsqlCommand($"CALL refresh_continuous_aggregate('{view}', @from, @to, options => '{{\"buckets_per_batch\": 0}}')", connection);
                refresh.Parameters.AddWithValue("from", from);
                refresh.Parameters.AddWithValue("to", to);
                refresh.CommandTimeout = 0;
                await refresh.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            }
        }

        await using (var clear = new NpgsqlCommand("DELETE FROM bars_dirty WHERE id = ANY(@ids)", connection))
        {
            clear.Parameters.AddWithValue("ids", dirty.Select(d => d.Id).ToArray());
            await clear.ExecuteNonQueryAsync(token).ConfigureAwait(false);
        }
        LogRefreshed(dirty.Count, windows.Count, windows.Sum(w => (w.To - w.From).TotalHours), clock.ElapsedMilliseconds);
        return new RefreshOutcome(RefreshState.Refreshed, dirty.Count, windows.Count);
    }

    /// <summary>Merges ranges (of any symbols) that overlap or lie within <paramref name="gap"/> of each other.</summary>
    internal static List<(DateTime From, DateTime To)> Coalesce(IEnumerable<(DateTime From, DateTime To)> ranges, TimeSpan gap)
    {
        var windows = new List<(DateTime From, DateTime To)>();
        foreach (var (from, to) in ranges.OrderBy(r => r.From))
        {
            if (windows.Count > 0 && from <= windows[^1].To + gap)
            {
                if (to > windows[^1].To) windows[^1] = (windows[^1].From, to);
            }
            else
            {
                windows.Add((from, to));
            }
        }
        return windows;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken token, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return (T)(await command.ExecuteScalarAsync(token).ConfigureAwait(false))!;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refreshed the continuous aggregates for {Ranges} changed ranges in {Windows} windows ({Hours:0} hours) in {ElapsedMs} ms")]
    private partial void LogRefreshed(int ranges, int windows, double hours, long elapsedMs);
}

/// <summary>What a refresh pass did.</summary>
public enum RefreshState
{
    /// <summary>Nothing was dirty, or the store has no aggregates (plain PostgreSQL).</summary>
    NotNeeded,

    /// <summary>Writes are still coming: the pass waits for them to pause.</summary>
    Waiting,

    /// <summary>Another process is refreshing.</summary>
    Busy,

    /// <summary>The aggregates now cover every change read at the start of the pass.</summary>
    Refreshed,
}

/// <summary>The result of <see cref="AggregateRefresher.RefreshAsync"/>.</summary>
public sealed record RefreshOutcome(RefreshState State, int Ranges = 0, int Windows = 0)
{
    internal static readonly RefreshOutcome NotNeeded = new(RefreshState.NotNeeded);
    internal static readonly RefreshOutcome Waiting = new(RefreshState.Waiting);
    internal static readonly RefreshOutcome Busy = new(RefreshState.Busy);
}
