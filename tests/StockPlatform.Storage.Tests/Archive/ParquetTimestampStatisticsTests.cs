using System.Globalization;
using DuckDB.NET.Data;
using StockPlatform.Archive.Partitions;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Features;
using StockPlatform.Storage.Tests.Support;
using StockPlatform.Storage.Ticks;

namespace StockPlatform.Storage.Tests.Archive;

/// <summary>
/// Every archive dataset's <c>ts</c> column: a UTC microsecond timestamp whose footer statistics are
/// in microseconds too, so DuckDB's row group pruning on a <c>ts</c> filter never drops a matching
/// row (Parquet.Net 6.1 writes a DateTime column's statistics in milliseconds: aloneguid/parquet-dotnet#769).
/// </summary>
public sealed class ParquetTimestampStatisticsTests : IDisposable
{
    private static readonly DateOnly Day = new(2024, 1, 2);
    private static readonly string[] Exchanges = ["V", "Q", "P", "N"];

    // The tick writers' row group size (TickParquet is internal to the archive).
    private const int TickRowGroup = 250_000;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "sp-ts-stats-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task A_bars_partition_answers_a_ts_filter_with_every_later_minute_and_its_statistics_name_its_first_and_last_microsecond()
    {
        var day = NyseCalendar.GetTradingDays(Day, Day).Single();
        var bars = new List<StoredBar>();
        for (var t = day.SessionOpenUtc; t < day.SessionCloseUtc; t = t.AddMinutes(1))
            bars.Add(new StoredBar(t, 187.25m, 187.5m, 187m, 187.3m, 1_000, 10, 187.2512m, true));
        var path = Path.Combine(_root, "bars.parquet");

        await BarParquetWriter.WriteAsync(path, "SPY", bars);

        await AssertTimestampColumnAsync(path, [[.. bars.Select(b => Micros(b.Timestamp))]]);
    }

    [Fact]
    public async Task A_trades_partition_of_two_row_groups_answers_a_ts_filter_with_every_matching_trade_and_each_group_names_its_own_range()
    {
        // Microseconds that are not whole milliseconds, and more trades than one row group holds.
        var open = NewYorkTime.StartOfDay(Day).AddHours(4);
        var trades = Enumerable.Range(0, TickRowGroup + 20_001).Select(i => new Trade(NanoTime.From(open, (i * 123_457_321L) + (i % 1000)), 1_000 + i,
            Exchanges[i % Exchanges.Length], 187.15m + (i % 23 * 0.01m), 100, i % 3 == 0 ? [] : ["@"], "C")).ToList();
        var path = Path.Combine(_root, "trades.parquet");

        var written = await TradeParquetWriter.WriteAsync(path, "SPY", Pages(trades));

        Assert.Equal((trades[0].Time.Microsecond, trades[^1].Time.Microsecond), (written.First, written.Last));
        var micros = trades.Select(t => Micros(t.Time.Microsecond)).ToList();
        await AssertTimestampColumnAsync(path, [[.. micros.Take(TickRowGroup)], [.. micros.Skip(TickRowGroup)]]);
    }

    [Fact]
    public async Task A_quotes_partition_answers_a_ts_filter_with_every_matching_quote_and_its_statistics_name_its_first_and_last_microsecond()
    {
        var time = NanoTime.From(NewYorkTime.StartOfDay(Day).AddHours(9.5));
        var quotes = new List<StoredQuote>();
        for (var i = 0; i < 5_000; i++)
        {
            // Every fourth quote shares its nanosecond with the one before, as the hot store's seq allows.
            var seq = (short)(i % 4 == 3 ? 1 : 0);
            if (seq == 0) time = new NanoTime(time.UnixNanoseconds + 2_345_679 + (i % 997));
            quotes.Add(new StoredQuote(new Quote(time, "P", 187.14m, 1, "Q", 187.16m, 2, ["R"], "C"), seq));
        }
        var path = Path.Combine(_root, "quotes.parquet");

        await QuoteParquetWriter.WriteAsync(path, "SPY", Pages(quotes));

        await AssertTimestampColumnAsync(path, [[.. quotes.Select(q => Micros(q.Quote.Time.Microsecond))]]);
    }

    [Fact]
    public async Task A_features_partition_answers_a_ts_filter_with_every_matching_row_and_its_statistics_span_all_its_intervals()
    {
        var day = NyseCalendar.GetTradingDays(Day, Day).Single();
        FeatureRowsOfInterval Interval(string name, int minutes) => new(name, [.. Enumerable.Range(0, 390 / minutes)
            .Select(i => new FeatureRow(day.SessionOpenUtc.AddMinutes(i * minutes), [i, i % 5 == 0 ? double.NaN : i * 0.5]))]);
        var intervals = new[] { Interval("1m", 1), Interval("5m", 5) };
        var path = Path.Combine(_root, "features.parquet");

        await FeatureParquetWriter.WriteAsync(path, ["a", "b"], intervals);

        await AssertTimestampColumnAsync(path, [[.. intervals.SelectMany(i => i.Rows).Select(r => Micros(r.Timestamp))]]);
    }

    // The column reads as TIMESTAMP WITH TIME ZONE in microseconds; each row group's statistics are
    // its least and greatest microsecond; and filters at instants inside, between and at the ends of
    // the groups count exactly the rows at or after them.
    private static async Task AssertTimestampColumnAsync(string path, IReadOnlyList<long[]> groups)
    {
        await using var duck = new DuckDBConnection("Data Source=:memory:");
        await duck.OpenAsync();
        await ExecuteAsync(duck, "SET TimeZone = 'UTC'");

        var schema = await RowsAsync(duck, $"SELECT logical_type FROM parquet_schema('{path}') WHERE name = 'ts'");
        Assert.Contains("isAdjustedToUTC=1", Convert.ToString(schema.Single()[0], CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Contains("MICROS=MicroSeconds()", Convert.ToString(schema.Single()[0], CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Equal("TIMESTAMP WITH TIME ZONE", (await RowsAsync(duck, $"SELECT typeof(ts) FROM read_parquet('{path}') LIMIT 1")).Single()[0]);

        var stats = await RowsAsync(duck, "SELECT epoch_us(stats_min_value::TIMESTAMPTZ), epoch_us(stats_max_value::TIMESTAMPTZ) " +
            $"FROM parquet_metadata('{path}') WHERE path_in_schema = 'ts' ORDER BY row_group_id");
        Assert.Equal(groups.Select(g => (g.Min(), g.Max())), stats.Select(s => ((long)s[0], (long)s[1])));

        var all = groups.SelectMany(g => g).ToList();
        var cuts = groups.SelectMany(g => new[] { g.Min(), g[g.Length / 2], g[g.Length / 2] + 1, g.Max() }).Append(all.Min() - 1).Append(all.Max() + 1);
        foreach (var cut in cuts)
        {
            var from = DateTimeOffset.UnixEpoch.AddTicks(cut * TimeSpan.TicksPerMicrosecond);
            var counted = await RowsAsync(duck, $"SELECT count(*) FROM read_parquet('{path}') WHERE ts >= '{from:yyyy-MM-dd HH:mm:ss.ffffff}+00'::TIMESTAMPTZ");
            Assert.Equal((long)all.Count(us => us >= cut), counted.Single()[0]);
        }
    }

    private static long Micros(DateTimeOffset instant) => (instant - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;

    private static async IAsyncEnumerable<IReadOnlyList<T>> Pages<T>(List<T> rows)
    {
        for (var i = 0; i < rows.Count; i += 10_000)
        {
            await Task.Yield();
            yield return rows.GetRange(i, Math.Min(10_000, rows.Count - i));
        }
    }

    private static async Task ExecuteAsync(DuckDBConnection duck, string sql)
    {
        await using var command = duck.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static Task<List<object[]>> RowsAsync(DuckDBConnection duck, string sql) => DuckRows.ReadAsync(duck, sql);
}
