using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using StockPlatform.Bench.Support;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Aggregates;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Schema;

namespace StockPlatform.Bench.Storage;

/// <summary>
/// With a million-plus stored minutes of one symbol (every extended-session minute from 2021 on),
/// reads one year (2024) of 5-minute and of daily bars through <see cref="BarStore.GetBarsAsync"/>,
/// paging as a client does, and the same SQL sent directly through Npgsql once for the whole year.
/// The SQL is the store's own (<see cref="BarStore.ReadSql"/>), checked against the text the store
/// sends (captured from Npgsql's log) and against the bars it returns before anything is timed.
/// On TimescaleDB (when the server offers it, in the same run) the 5-minute year is measured against
/// selecting the same rows straight from the aggregate, and the daily year against the plain path's
/// store. Goals: the store within 1.2x of the bare query, TimescaleDB's daily bars no slower than the
/// plain path's (medians of several runs after a warm-up).
/// </summary>
internal static class ReadBenchmark
{
    private const double Goal = 1.2;

    private static readonly Symbol Symbol = Symbol.Parse("SPY");
    private static readonly DateOnly DataStart = new(2021, 1, 4);
    private static readonly DateTimeOffset YearStart = NewYorkTime.StartOfDay(new DateOnly(2024, 1, 1));
    private static readonly DateTimeOffset YearEnd = NewYorkTime.StartOfDay(new DateOnly(2025, 1, 1));

    internal sealed record ReadCase(string Name, BarQuery Query, string Sql);

    // The plain path's SQL for the query, as the store composes it: daily bars join the sessions,
    // extended intraday bars do not.
    internal static ReadCase Case(string name, BarQuery query) =>
        new(name, query, BarStore.ReadSql(query, aggregate: null, sessionFiltered: query.Interval.IsDaily, descending: false));

    // TimescaleDB's best peer for a year of 5-minute bars: the rows selected straight from the aggregate.
    internal static ReadCase FromAggregate(string name, BarQuery query) => new(name, query, """
        SELECT a.bucket, a.open, a.high, a.low, a.close, a.volume, a.trade_count,
               coalesce(round(a.vwap_volume / nullif(a.volume, 0), 8), round(a.vwap_sum / a.minutes, 8)), a.bucket + @step
        FROM bars_5m a WHERE a.symbol = @symbol AND a.bucket >= @from AND a.bucket < @to ORDER BY a.bucket LIMIT @limit
        """);

    private sealed record Measured(string Path, string Name, int Bars, int Pages, double StoreMs, double BaselineMs, string Baseline)
    {
        public double Ratio => StoreMs / BaselineMs;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Arguments(args);
        var rows = options.Int("rows", 1_050_000);
        var runs = options.Int("runs", 7);
        var bars = MinuteBars.Generate([Symbol], rows, DataStart);
        if (bars[^1].Bar.Timestamp < YearEnd)
        {
            Console.Error.WriteLine($"{rows:N0} rows end at {bars[^1].Bar.Timestamp:yyyy-MM-dd}, before the year read; pass a larger --rows");
            return 2;
        }
        Console.WriteLine($"rows stored               {rows:N0} ({Symbol}, {bars[0].Bar.Timestamp:yyyy-MM-dd} to {bars[^1].Bar.Timestamp:yyyy-MM-dd})");
        Console.WriteLine($"read                      2024, median of {runs} runs after a warm-up");

        var results = new List<Measured>();
        var plainDaily = (Ms: 0.0, Bars: (List<StoredBar>?)null);
        foreach (var path in await BenchDatabase.PathsAsync(options))
        {
            var name = BenchDatabase.Name(path);
            var capture = new SqlCapture();
            await using var db = await BenchDatabase.CreateAsync(options, capture, path);
            using var loggerFactory = LoggerFactory.Create(logging => logging.AddProvider(capture));
            // The same connection settings as the store's (JIT off), so the baselines are not penalised.
            await using var direct = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(db.ConnectionString) { Options = "-c jit=off" }.ConnectionString)
                .UseLoggerFactory(loggerFactory).Build();

            var load = Stopwatch.StartNew();
            for (var offset = 0; offset < bars.Length; offset += 50_000)
                await db.Bars.UpsertAsync(new ArraySegment<SymbolBar>(bars, offset, Math.Min(50_000, bars.Length - offset)), "iex");
            load.Stop();
            var refresh = Stopwatch.StartNew();
            var refreshed = await db.Refresher.RefreshAsync(force: true);
            refresh.Stop();
            await db.ExecuteAsync("ANALYZE");
            Console.WriteLine($"[{name}] loaded in {load.Elapsed.TotalSeconds:0.0} s"
                + (refreshed.State == RefreshState.Refreshed ? $", aggregates refreshed in {refresh.Elapsed.TotalSeconds:0.0} s (off the write path)" : string.Empty));

            var fiveMinutes = new BarQuery(Symbol, BarInterval.FiveMinutes) { Start = YearStart, End = YearEnd, Limit = BarStore.MaxLimit };
            var daily = new BarQuery(Symbol, BarInterval.OneDay) { Start = YearStart, End = YearEnd, Limit = BarStore.MaxLimit };
            if (path == StoragePath.Plain)
            {
                foreach (var readCase in new[] { Case("5m", fiveMinutes), Case("1d", daily) })
                {
                    if (await VerifyAsync(db, direct, capture, readCase) is { } problem)
                    {
                        Console.Error.WriteLine($"{name} {readCase.Name}: {problem}");
                        return 1;
                    }
                    var measured = await MeasureAsync(db, direct, readCase, runs);
                    results.Add(new Measured(name, readCase.Name, measured.Bars, measured.Pages, measured.StoreMs, measured.SqlMs, "the same SQL, unpaged"));
                    if (readCase.Name == "1d") plainDaily = (measured.StoreMs, (await StoreYearAsync(db.Bars, daily)).Bars);
                }
            }
            else
            {
                var aggregate = FromAggregate("5m", fiveMinutes);
                var (storeBars, _) = await StoreYearAsync(db.Bars, fiveMinutes);
                var (rawBars, _) = await SqlYearAsync(direct, aggregate);
                if (!storeBars.SequenceEqual(rawBars) || storeBars.Count == 0)
                {
                    Console.Error.WriteLine($"{name} 5m: the store returned {storeBars.Count} bars, the aggregate {rawBars.Count}, not the same");
                    return 1;
                }
                var measured = await MeasureAsync(db, direct, aggregate, runs);
                results.Add(new Measured(name, "5m", measured.Bars, measured.Pages, measured.StoreMs, measured.SqlMs, "bars_5m selected directly"));

                // Daily bars against the plain path's store, same rows, same run.
                var dailyRuns = new List<double>();
                for (var run = 0; run <= runs; run++)
                {
                    var (ms, count) = await TimeDailyAsync(db.Bars, daily);
                    if (run > 0) dailyRuns.Add(ms);
                }
                var (dailyBars, dailyPages) = await StoreYearAsync(db.Bars, daily);
                if (plainDaily.Bars is { } expected && !dailyBars.SequenceEqual(expected))
                {
                    Console.Error.WriteLine($"{name} 1d: {dailyBars.Count} bars, the plain path {expected.Count}, not the same");
                    return 1;
                }
                if (plainDaily.Bars is not null)
                    results.Add(new Measured(name, "1d", dailyBars.Count, dailyPages, Median(dailyRuns), plainDaily.Ms, "the plain path's store"));
            }
        }

        foreach (var m in results)
        {
            var goal = m.Baseline == "the plain path's store" ? 1.0 : Goal;
            Console.WriteLine($"{m.Path,-11} {m.Name,-3} {m.Bars,6:N0} bars in {m.Pages} page(s)   store {m.StoreMs,8:0.0} ms   {m.Baseline} {m.BaselineMs,8:0.0} ms   ratio {m.Ratio:0.000} (goal <= {goal})");
        }
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            benchmark = "read",
            rows,
            runs,
            reads = results.Select(m => new
            {
                path = m.Path,
                interval = m.Name,
                bars = m.Bars,
                pages = m.Pages,
                store_ms = Math.Round(m.StoreMs, 1),
                baseline = m.Baseline,
                baseline_ms = Math.Round(m.BaselineMs, 1),
                ratio = Math.Round(m.Ratio, 4),
            }),
            figures = results.Select(m => BenchFigure.AtMost($"a year of {m.Name} bars, store median", m.Path, m.StoreMs, "ms",
                m.Baseline, m.BaselineMs, m.Baseline == "the plain path's store" ? 1.0 : Goal)),
        }));
        return results.All(m => m.Ratio <= (m.Baseline == "the plain path's store" ? 1.0 : Goal)) ? 0 : 1;
    }

    private static async Task<(double Ms, int Bars)> TimeDailyAsync(BarStore store, BarQuery query)
    {
        var (bars, _, ms) = await TimeStoreAsync(store, query);
        return (ms, bars);
    }

    // Warm-up (run 0, not counted), then alternate which goes first so neither always finds the cache warmer.
    private static async Task<(int Bars, int Pages, double StoreMs, double SqlMs)> MeasureAsync(BenchDatabase db, NpgsqlDataSource direct, ReadCase readCase, int runs)
    {
        var storeTimes = new List<double>();
        var sqlTimes = new List<double>();
        (int Bars, int Pages) shape = default;
        for (var run = 0; run <= runs; run++)
        {
            var storeFirst = run % 2 == 0;
            var first = storeFirst ? await TimeStoreAsync(db.Bars, readCase.Query) : await TimeSqlAsync(direct, readCase);
            var second = storeFirst ? await TimeSqlAsync(direct, readCase) : await TimeStoreAsync(db.Bars, readCase.Query);
            if (run == 0) { shape = (first.Bars, first.Pages); continue; }
            (storeFirst ? storeTimes : sqlTimes).Add(first.Ms);
            (storeFirst ? sqlTimes : storeTimes).Add(second.Ms);
        }
        return (shape.Bars, shape.Pages, Median(storeTimes), Median(sqlTimes));
    }

    /// <summary>Null when the SQL sent directly is what the store sends and both return the same bars; otherwise what differs.</summary>
    private static async Task<string?> VerifyAsync(BenchDatabase db, NpgsqlDataSource direct, SqlCapture capture, ReadCase readCase)
    {
        capture.Drain();
        capture.Recording = true;
        var store = await StoreYearAsync(db.Bars, readCase.Query);
        var storeSql = capture.Drain();
        var sql = await SqlYearAsync(direct, readCase);
        var directSql = capture.Drain();
        capture.Recording = false;

        // The store also asks for the symbol's extent, the calendar and where its read window ends:
        // its bar query is the one that aggregates.
        var sent = storeSql.Where(s => s.Contains("GROUP BY", StringComparison.Ordinal)).Select(SqlCapture.Normalize).Distinct().ToList();
        var sentDirectly = directSql.Select(SqlCapture.Normalize).Distinct().ToList();
        if (sent.Count != 1 || sentDirectly.Count != 1)
            return $"expected one bar query from each side, captured {sent.Count} from the store and {sentDirectly.Count} direct (is Npgsql's command log at Information?)";
        if (sent[0] != sentDirectly[0])
            return $"the SQL differs from the store's{Environment.NewLine}store:  {sent[0]}{Environment.NewLine}direct: {sentDirectly[0]}";
        if (!store.Bars.SequenceEqual(sql.Bars))
            return $"the store returned {store.Bars.Count} bars and the SQL {sql.Bars.Count}, not the same";
        return store.Bars.Count == 0 ? "no bars read" : null;
    }

    private static async Task<(int Bars, int Pages, double Ms)> TimeStoreAsync(BarStore store, BarQuery query)
    {
        var watch = Stopwatch.StartNew();
        var (bars, pages) = await StoreYearAsync(store, query);
        return (bars.Count, pages, watch.Elapsed.TotalMilliseconds);
    }

    private static async Task<(int Bars, int Pages, double Ms)> TimeSqlAsync(NpgsqlDataSource direct, ReadCase readCase)
    {
        var watch = Stopwatch.StartNew();
        var (bars, pages) = await SqlYearAsync(direct, readCase);
        return (bars.Count, pages, watch.Elapsed.TotalMilliseconds);
    }

    // Page after page, each from the last bar plus one interval, as a client reads a long range.
    private static async Task<(List<StoredBar> Bars, int Pages)> StoreYearAsync(BarStore store, BarQuery query)
    {
        var bars = new List<StoredBar>();
        var next = query.Start;
        for (var pages = 1; ; pages++)
        {
            var slice = await store.GetBarsAsync(query with { Start = next });
            bars.AddRange(slice.Bars);
            if (!slice.HasMore) return (bars, pages);
            next = slice.Bars[^1].Timestamp + query.Interval.Length;
        }
    }

    // The baseline reads the whole year in one query, with no paging: what one hand-written query
    // costs. The store pages at its limit, so any cost of paging shows in the ratio.
    private static async Task<(List<StoredBar> Bars, int Pages)> SqlYearAsync(NpgsqlDataSource direct, ReadCase readCase) =>
        (await SqlPageAsync(direct, readCase, readCase.Query.Start!.Value, readCase.Query.End!.Value, int.MaxValue), 1);

    // The parameters the store binds, in the same order: [from, to) is the range read (the
    // stored data spans more than the year).
    internal static async Task<List<StoredBar>> SqlPageAsync(NpgsqlDataSource direct, ReadCase readCase, DateTimeOffset from, DateTimeOffset to, int limit)
    {
        await using var command = Command(direct, readCase.Sql, readCase.Query, from, to, limit);
        var now = DateTimeOffset.UtcNow;
        var bars = new List<StoredBar>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var end = new DateTimeOffset(reader.GetFieldValue<DateTime>(8), TimeSpan.Zero);
            bars.Add(new StoredBar(
                new DateTimeOffset(reader.GetFieldValue<DateTime>(0), TimeSpan.Zero),
                reader.GetDecimal(1), reader.GetDecimal(2), reader.GetDecimal(3), reader.GetDecimal(4),
                reader.GetInt64(5), reader.GetInt64(6), reader.GetDecimal(7),
                IsComplete: end <= now));
        }
        return bars;
    }

    /// <summary>
    /// The same rows as CSV lines written by PostgreSQL itself (its own numeric and timestamp
    /// output, in C), each line read as a string: the peer for a CSV answer, which must turn every
    /// value into text too. Returns the number of lines.
    /// </summary>
    internal static async Task<int> SqlAsCsvAsync(NpgsqlDataSource direct, ReadCase readCase, DateTimeOffset from, DateTimeOffset to, int limit)
    {
        var sql = $"""
            SELECT concat_ws(',', @symbol, to_char(q.bucket AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                             q.open, q.high, q.low, q.close, q.volume, q.trade_count, q.vwap, q.bucket_end <= now())
            FROM ({readCase.Sql}) AS q(bucket, open, high, low, close, volume, trade_count, vwap, bucket_end)
            """;
        await using var command = Command(direct, sql, readCase.Query, from, to, limit);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = 0;
        while (await reader.ReadAsync())
        {
            _ = reader.GetString(0);
            lines++;
        }
        return lines;
    }

    private static NpgsqlCommand Command(NpgsqlDataSource direct, string sql, BarQuery query, DateTimeOffset from, DateTimeOffset to, int limit)
    {
        var command = direct.CreateCommand(sql);
        command.Parameters.AddWithValue("symbol", query.Symbol.Value);
        command.Parameters.AddWithValue("from", from.UtcDateTime);
        command.Parameters.AddWithValue("to", to.UtcDateTime);
        command.Parameters.AddWithValue("limit", limit);
        if (query.Interval.IsDaily)
        {
            // Regular sessions of every trading day around the range, labelled at New York midnight.
            var days = NyseCalendar.GetTradingDays(NewYorkTime.DateOf(from).AddDays(-1), NewYorkTime.DateOf(to).AddDays(1)).ToList();
            command.Parameters.Add(new NpgsqlParameter<DateTime[]>("labels", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = days.Select(d => NewYorkTime.StartOfDay(d.Date).UtcDateTime).ToArray() });
            command.Parameters.Add(new NpgsqlParameter<DateTime[]>("starts", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = days.Select(d => d.OpenUtc.UtcDateTime).ToArray() });
            command.Parameters.Add(new NpgsqlParameter<DateTime[]>("ends", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = days.Select(d => d.CloseUtc.UtcDateTime).ToArray() });
        }
        else
        {
            command.Parameters.AddWithValue("step", query.Interval.Length);
        }
        return command;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
