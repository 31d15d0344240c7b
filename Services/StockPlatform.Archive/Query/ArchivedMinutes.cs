using DuckDB.NET.Data;
using StockPlatform.MarketData.Calendar;
using StockPlatform.Storage.Bars;

namespace StockPlatform.Archive.Query;

/// <summary>Reads archived 1-minute partitions back as stored bars, through DuckDB.</summary>
public static class ArchivedMinutes
{
    /// <summary>
    /// The minutes of <paramref name="files"/> (partition paths inside the archive, day or month
    /// files, each once), by New York date, each day ascending; only those starting in
    /// [<paramref name="from"/>, <paramref name="to"/>) when given (a month file holds far more).
    /// </summary>
    public static async Task<Dictionary<DateOnly, List<StoredBar>>> ReadByDayAsync(DuckDBConnection duck, IReadOnlyCollection<string> files, CancellationToken cancellationToken,
        DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        var byDay = new Dictionary<DateOnly, List<StoredBar>>();
        if (files.Count == 0) return byDay;
        await using var command = duck.CreateCommand();
        // Paths are the archive's own (the index's), quoted as SQL literals; the connection can read nothing else.
        var paths = string.Join(", ", files.Distinct().Select(file => $"'{file.Replace("'", "''", StringComparison.Ordinal)}'"));
        // Day and month files differ in their paths' keys and in the month files' dt column: no hive
        // columns, and columns matched by name, so one read takes both.
        var where = new List<string>();
        if (from is { } f)
        {
            where.Add("ts >= $from");
            command.Parameters.Add(new DuckDBParameter("from", f.UtcDateTime));
        }
        if (to is { } t)
        {
            where.Add("ts < $to");
            command.Parameters.Add(new DuckDBParameter("to", t.UtcDateTime));
        }
        command.CommandText = $"SELECT ts, open, high, low, close, volume, trade_count, vwap FROM read_parquet([{paths}], hive_partitioning = false, union_by_name = true)" +
            (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY ts";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var ts = new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc));
            var bar = new StoredBar(ts, Trim(reader.GetDecimal(1)), Trim(reader.GetDecimal(2)), Trim(reader.GetDecimal(3)), Trim(reader.GetDecimal(4)),
                reader.GetInt64(5), reader.GetInt64(6), Trim(reader.GetDecimal(7)), IsComplete: true);
            var date = NewYorkTime.DateOf(ts);
            if (!byDay.TryGetValue(date, out var day)) byDay[date] = day = [];
            day.Add(bar);
        }
        return byDay;
    }

    /// <summary>
    /// One day's minutes from both tiers: the archived ones, each replaced by the hot store's
    /// minute where it holds one (a correction since), plus the hot store's new minutes.
    /// </summary>
    public static List<StoredBar> Merge(IReadOnlyList<StoredBar> archived, IReadOnlyList<StoredBar> hot)
    {
        if (hot.Count == 0) return [.. archived];
        if (archived.Count == 0) return [.. hot];
        var merged = archived.ToDictionary(bar => bar.Timestamp);
        foreach (var bar in hot) merged[bar.Timestamp] = bar;
        return [.. merged.Values.OrderBy(bar => bar.Timestamp)];
    }

    /// <summary>
    /// <paramref name="value"/> without padding zeros (the archive stores DECIMAL(18, 8), and the hot
    /// store's numeric keeps its own scale: 500.12000000 is 500.12 either way).
    /// </summary>
    internal static decimal Trim(decimal value) => value / 1.0000000000000000000000000000m;
}
