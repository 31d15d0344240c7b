using Microsoft.Extensions.DependencyInjection;
using StockPlatform.Archive.Query;
using StockPlatform.Features.Building;
using StockPlatform.Features.Calculation;
using StockPlatform.Features.Tests.Support;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Features;

namespace StockPlatform.Features.Tests.Building;

/// <summary>
/// The feature builder on a real database: what it stores equals the calculator over the stored
/// bars of each interval (regular session only), a resumed build after new or corrected minutes
/// equals a full rebuild bit for bit, versions are never overwritten, and a session's features
/// reach the archive readable by DuckDB.
/// </summary>
public sealed class FeatureBuilderTests : IAsyncLifetime
{
    // Thanksgiving week and the next: a holiday, a half day (Friday 2024-11-29) and a weekend.
    private static readonly DateOnly[] Days = [.. NyseCalendar.GetTradingDays(new(2024, 11, 20), new(2024, 12, 4)).Select(d => d.Date)];
    private static readonly FeatureSetDefinition Core = FeatureSets.CoreV1;

    private FeatureHost _host = null!;

    public async Task InitializeAsync() => _host = await FeatureHost.CreateAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_full_build_stores_the_calculator_over_each_intervals_regular_session_bars()
    {
        await StoreAsync("SPY", Days);
        var builds = await _host.Builder.BuildAsync(Symbol.Parse("SPY"), Core, changedFrom: null);

        Assert.Equal(["1m", "5m", "1d"], builds.Select(b => b.Interval));
        Assert.All(builds, b => Assert.False(b.Resumed));
        foreach (var interval in FeatureBuilder.Intervals)
        {
            var bars = (await _host.Bars.GetBarsAsync(new BarQuery(Symbol.Parse("SPY"), interval) { Limit = BarStore.MaxLimit, Session = SessionFilter.Regular })).Bars;
            var expected = FeatureCalculator.ComputeAll(Core, BarSeries.From([.. bars.Select(b => new Bar(b.Timestamp, b.Open, b.High, b.Low, b.Close, b.Volume, b.TradeCount, b.Vwap))], BarSeries.NewYorkSession));
            var stored = await ReadAllAsync("SPY", interval.ToString());
            Assert.Equal(bars.Select(b => b.Timestamp), stored.Select(r => r.Timestamp));
            AssertBitwiseEqual(expected, stored, interval.ToString());
        }
        // Pre-market minutes are stored as bars but are not part of the regular session's features.
        Assert.Equal(Days.Sum(RegularMinutes), (await ReadAllAsync("SPY", "1m")).Count);
        Assert.Equal(Days.Length, (await ReadAllAsync("SPY", "1d")).Count);
    }

    [Fact]
    public async Task New_sessions_resume_from_the_stored_rows_and_end_identical_to_a_full_rebuild()
    {
        await StoreAsync("SPY", Days[..7]);
        await _host.Builder.BuildAsync(Symbol.Parse("SPY"), Core, null);
        var added = await StoreAsync("SPY", Days[7..]);
        var resumed = await _host.Builder.BuildAsync(Symbol.Parse("SPY"), Core, added[0].Timestamp);

        // The same minutes under another name, built in one go.
        await StoreAsync("QQQ", Days, name: "SPY");
        await _host.Builder.BuildAsync(Symbol.Parse("QQQ"), Core, null);

        // Minutes resume from the stored rows; seven daily bars are still in the 50-bar warm-up, so
        // the daily series has no state to resume from and is rebuilt (same result either way).
        Assert.Equal([true, true, false], resumed.Select(b => b.Resumed));
        Assert.Equal(Days[7..].Sum(RegularMinutes), resumed[0].Rows); // only the new sessions' minutes were computed
        foreach (var interval in FeatureBuilder.Intervals.Select(i => i.ToString()))
            AssertSameRows(await ReadAllAsync("QQQ", interval), await ReadAllAsync("SPY", interval), interval);
    }

    [Fact]
    public async Task A_corrected_minute_in_an_earlier_session_recomputes_from_there_and_matches_a_full_rebuild()
    {
        var stored = await StoreAsync("SPY", Days);
        await _host.Builder.BuildAsync(Symbol.Parse("SPY"), Core, null);
        var before = await ReadAllAsync("SPY", "1m");

        // Alpaca's updated bar for a minute of the third session.
        var minute = stored.First(b => NewYorkTime.DateOf(b.Timestamp) == Days[2] && b.Timestamp.Minute == 41 && b.Timestamp.Hour == 16);
        var corrected = minute with { Close = minute.Close + 0.37m, High = minute.High + 0.37m };
        await _host.Bars.UpsertAsync(Symbol.Parse("SPY"), "iex", [corrected]);
        var rebuilt = await _host.Builder.BuildAsync(Symbol.Parse("SPY"), Core, corrected.Timestamp);

        await StoreAsync("QQQ", Days, name: "SPY");
        await _host.Bars.UpsertAsync(Symbol.Parse("QQQ"), "iex", [corrected]);
        await _host.Builder.BuildAsync(Symbol.Parse("QQQ"), Core, null);

        Assert.True(rebuilt[0].Resumed);
        var after = await ReadAllAsync("SPY", "1m");
        var changedAt = after.FindIndex(r => r.Timestamp == corrected.Timestamp);
        AssertSameRows(before[..changedAt], after[..changedAt], "before the correction");
        Assert.NotEqual(before[changedAt].Values[Core.ColumnIndex("return_1")], after[changedAt].Values[Core.ColumnIndex("return_1")]);
        foreach (var interval in FeatureBuilder.Intervals.Select(i => i.ToString()))
            AssertSameRows(await ReadAllAsync("QQQ", interval), await ReadAllAsync("SPY", interval), interval);
    }

    [Fact]
    public async Task A_version_keeps_its_parameters_each_build_of_the_code_is_recorded_and_values_name_theirs()
    {
        await StoreAsync("SPY", Days[..2]);
        await _host.Builder.BuildAsync(Symbol.Parse("SPY"), Core, null);
        var metadata = Assert.Single(await _host.Features.ListMetadataAsync());
        Assert.Equal(("core", 1, Core.ParametersHash, FeatureRegistry.CodeRef), (metadata.FeatureSet, metadata.Version, metadata.ParametersHash, metadata.CodeRef));
        Assert.Matches(@"^StockPlatform\.Features \d+\.\d+\.\d+.*\+[0-9a-f]{7,}", metadata.CodeRef);
        Assert.Equal(Core.Columns, metadata.Columns);
        // The stored parameters are the text the hash is of: anyone can check one against the other.
        Assert.Equal(Core.ParametersJson, metadata.Parameters);
        Assert.Equal(metadata.ParametersHash, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(metadata.Parameters))));

        // Another build of the code with the same parameters: a second row; other parameters: refused.
        var later = await _host.Features.RegisterAsync("core", 1, Core.Columns, Core.ParametersJson, Core.ParametersHash, "StockPlatform.Features 0.2.0+abcdef0");
        Assert.NotEqual(metadata.Id, later);
        var changed = Core.ParametersJson.Replace("\"rsi_period\":14", "\"rsi_period\":21", StringComparison.Ordinal);
        var refused = await Assert.ThrowsAsync<FeatureVersionConflictException>(() =>
            _host.Features.RegisterAsync("core", 1, Core.Columns, changed, new string('a', 64), "StockPlatform.Features 0.3.0+1234567"));
        Assert.Contains("new version", refused.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await _host.Features.ListMetadataAsync()).Count);
    }

    [Fact]
    public async Task A_sessions_features_are_archived_and_read_back_by_duckdb_exactly_with_nulls_for_warm_up()
    {
        await StoreAsync("SPY", Days[..3]);
        await _host.Builder.BuildAsync(Symbol.Parse("SPY"), Core, null);
        var intervals = FeatureBuilder.Intervals.Select(i => i.ToString()).ToList();
        var written = await _host.Archiver.ArchiveFeaturesAsync(Symbol.Parse("SPY"), Days[0], Core.Name, Core.Version, Core.Columns, intervals);
        Assert.NotNull(written);
        Assert.Matches(@"features/feature_set=core/version=1/symbol=SPY/dt=2024-11-20/part-0\.parquet$", written.Path);

        var stored = await ReadAllAsync("SPY", "1m");
        var firstDay = stored.Where(r => NewYorkTime.DateOf(r.Timestamp) == Days[0]).ToList();
        Assert.Equal(firstDay.Count + 78 + 1, written.Rows); // 1m, 5m and the daily bar

        await using var duck = await _host.Services.GetRequiredService<ArchiveCatalog>().OpenSandboxedAsync();
        await using var command = duck.CreateCommand();
        command.CommandText = "SELECT ts, sma_5, ema_50, feature_set, version, symbol, dt FROM features WHERE interval = '1m' ORDER BY ts";
        await using var reader = await command.ExecuteReaderAsync();
        var sma = Core.ColumnIndex("sma_5");
        var ema = Core.ColumnIndex("ema_50");
        var i = 0;
        while (await reader.ReadAsync())
        {
            var row = firstDay[i++];
            Assert.Equal(row.Timestamp.UtcDateTime, DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc));
            Assert.Equal(double.IsNaN(row.Values[sma]) ? (double?)null : row.Values[sma], reader.IsDBNull(1) ? null : reader.GetDouble(1));
            Assert.Equal(double.IsNaN(row.Values[ema]) ? (double?)null : row.Values[ema], reader.IsDBNull(2) ? null : reader.GetDouble(2));
            Assert.Equal(("core", 1L, "SPY"), (reader.GetString(3), Convert.ToInt64(reader.GetValue(4)), reader.GetString(5)));
        }
        Assert.Equal(firstDay.Count, i);
        Assert.True(double.IsNaN(firstDay[0].Values[sma]), "the first minute has no 5-bar average");
    }

    private static int RegularMinutes(DateOnly day)
    {
        var session = NyseCalendar.GetTradingDays(day, day).Single();
        return (int)(session.CloseUtc - session.OpenUtc).TotalMinutes - (day.Day % 3 == 0 ? 7 : 0);
    }

    // Every regular minute of each day as a random walk (a few minutes without trades on some
    // days), plus pre-market minutes, seeded by the name so two symbols can hold the same bars.
    private async Task<List<Bar>> StoreAsync(string symbol, IReadOnlyList<DateOnly> days, string? name = null)
    {
        var all = new List<Bar>();
        foreach (var day in days)
        {
            var random = new Random((name ?? symbol).Length * 1_000_000 + day.DayNumber);
            var session = NyseCalendar.GetTradingDays(day, day).Single();
            var price = 100m + day.Day;
            for (var t = session.SessionOpenUtc; t < session.CloseUtc; t = t.AddMinutes(1))
            {
                var regular = t >= session.OpenUtc;
                if (!regular && t.Minute % 20 != 0) continue;
                if (regular && day.Day % 3 == 0 && t >= session.OpenUtc.AddMinutes(100) && t < session.OpenUtc.AddMinutes(107)) continue;
                var open = price;
                price = decimal.Round(price + (decimal)(random.NextDouble() - 0.5) * 0.4m, 2);
                var high = Math.Max(open, price) + 0.03m;
                var low = Math.Min(open, price) - 0.02m;
                all.Add(new Bar(t, open, high, low, price, random.Next(100, 5000), random.Next(1, 40), decimal.Round((open + price) / 2, 4)));
            }
        }
        await _host.Bars.UpsertAsync(Symbol.Parse(symbol), "iex", all);
        return all;
    }

    private async Task<List<FeatureRow>> ReadAllAsync(string symbol, string interval) =>
        [.. await _host.Features.ReadAsync(new FeatureSeriesKey(symbol, Core.Name, Core.Version, interval), null, null, 100_000)];

    private static void AssertBitwiseEqual(double[] expected, IReadOnlyList<FeatureRow> stored, string what)
    {
        var width = Core.Columns.Count;
        Assert.Equal(expected.Length, stored.Count * width);
        for (var i = 0; i < stored.Count; i++)
        {
            for (var c = 0; c < width; c++)
            {
                if (BitConverter.DoubleToInt64Bits(expected[i * width + c]) != BitConverter.DoubleToInt64Bits(stored[i].Values[c]))
                    Assert.Fail($"{what}: row {i} ({stored[i].Timestamp:O}) {Core.Columns[c]} is {stored[i].Values[c]:R}, expected {expected[i * width + c]:R}");
            }
        }
    }

    private static void AssertSameRows(IReadOnlyList<FeatureRow> expected, IReadOnlyList<FeatureRow> actual, string what)
    {
        Assert.Equal(expected.Select(r => r.Timestamp), actual.Select(r => r.Timestamp));
        AssertBitwiseEqual([.. expected.SelectMany(r => r.Values)], actual, what);
    }
}
