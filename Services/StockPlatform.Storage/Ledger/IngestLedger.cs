using Npgsql;
using NpgsqlTypes;
using StockPlatform.Storage.Infrastructure;
using StockPlatform.Storage.Schema;

namespace StockPlatform.Storage.Ledger;

/// <summary>
/// Which sessions were fetched completely, per symbol, feed and dataset (<see cref="LedgerDatasets"/>:
/// bars, trades, quotes). The gap scanner fetches the calendar sessions missing here; a minute
/// without a bar is not a gap (nothing traded).
/// </summary>
public sealed class IngestLedger(NpgsqlDataSource dataSource, StorageSchema schema, DbRetry retry)
{
    /// <summary>Records sessions as fetched completely, with their bar counts.</summary>
    public Task RecordAsync(string symbol, string feed, IReadOnlyDictionary<DateOnly, int> barCounts, CancellationToken cancellationToken = default) =>
        RecordAsync(symbol, feed, LedgerDatasets.Bars, barCounts, cancellationToken);

    /// <summary>Records sessions of a dataset as fetched completely, with the rows each held.</summary>
    public async Task RecordAsync(string symbol, string feed, string dataset, IReadOnlyDictionary<DateOnly, int> barCounts, CancellationToken cancellationToken = default)
    {
        if (barCounts.Count == 0) return;
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        await retry.ExecuteAsync(async token =>
        {
            await using var command = dataSource.CreateCommand("""
                INSERT INTO ingest_ledger (symbol, feed, dataset, session_date, row_count, fetched_at)
                SELECT @symbol, @feed, @dataset, d, n, now() FROM unnest(@dates, @counts) AS t(d, n)
                ON CONFLICT (symbol, feed, dataset, session_date) DO UPDATE SET row_count = EXCLUDED.row_count, fetched_at = now()
                """);
            command.Parameters.AddWithValue("symbol", symbol);
            command.Parameters.AddWithValue("feed", feed);
            command.Parameters.AddWithValue("dataset", dataset);
            command.Parameters.Add(new NpgsqlParameter<DateOnly[]>("dates", NpgsqlDbType.Array | NpgsqlDbType.Date) { TypedValue = [.. barCounts.Keys] });
            command.Parameters.Add(new NpgsqlParameter<int[]>("counts", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = [.. barCounts.Values] });
            await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The sessions in [start, end] whose bars were already fetched for the symbol and feed.</summary>
    public Task<IReadOnlySet<DateOnly>> GetFetchedAsync(string symbol, string feed, DateOnly start, DateOnly end, CancellationToken cancellationToken = default) =>
        GetFetchedAsync(symbol, feed, LedgerDatasets.Bars, start, end, cancellationToken);

    /// <summary>The sessions in [start, end] of a dataset already fetched for the symbol and feed.</summary>
    public async Task<IReadOnlySet<DateOnly>> GetFetchedAsync(string symbol, string feed, string dataset, DateOnly start, DateOnly end, CancellationToken cancellationToken = default) =>
        (await GetFetchedCountsAsync(symbol, feed, dataset, start, end, cancellationToken).ConfigureAwait(false)).Keys.ToHashSet();

    /// <summary>The sessions in [start, end] fetched for the symbol and feed, with the bars each held.</summary>
    public Task<IReadOnlyDictionary<DateOnly, int>> GetFetchedCountsAsync(string symbol, string feed, DateOnly start, DateOnly end, CancellationToken cancellationToken = default) =>
        GetFetchedCountsAsync(symbol, feed, LedgerDatasets.Bars, start, end, cancellationToken);

    /// <summary>The sessions in [start, end] of a dataset fetched for the symbol and feed, with the rows each held.</summary>
    public async Task<IReadOnlyDictionary<DateOnly, int>> GetFetchedCountsAsync(string symbol, string feed, string dataset, DateOnly start, DateOnly end, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync<IReadOnlyDictionary<DateOnly, int>>(async token =>
        {
            var counts = new Dictionary<DateOnly, int>();
            await using var command = dataSource.CreateCommand(
                "SELECT session_date, row_count FROM ingest_ledger WHERE symbol = @symbol AND feed = @feed AND dataset = @dataset AND session_date BETWEEN @start AND @end");
            command.Parameters.AddWithValue("symbol", symbol);
            command.Parameters.AddWithValue("dataset", dataset);
            command.Parameters.AddWithValue("feed", feed);
            command.Parameters.AddWithValue("start", start);
            command.Parameters.AddWithValue("end", end);
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            while (await reader.ReadAsync(token).ConfigureAwait(false)) counts[reader.GetFieldValue<DateOnly>(0)] = reader.GetInt32(1);
            return counts;
        }, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>The datasets a session can be fetched for; the ledger's <c>dataset</c> column takes these.</summary>
public static class LedgerDatasets
{
    /// <summary>1-minute bars.</summary>
    public const string Bars = "bars";

    /// <summary>Trades.</summary>
    public const string Trades = "trades";

    /// <summary>Quotes.</summary>
    public const string Quotes = "quotes";

    /// <summary>Every dataset, in the order a job fetches them.</summary>
    public static readonly IReadOnlyList<string> All = [Bars, Trades, Quotes];
}
