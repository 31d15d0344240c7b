using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StockPlatform.Archive;
using StockPlatform.Archive.Tiering;
using StockPlatform.MarketData.Alpaca.Rest;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Calendar;
using StockPlatform.Storage.CorporateActions;
using StockPlatform.Testing;

namespace StockPlatform.IntegrationTests.Gateway;

/// <summary>
/// Reads past the hot store's retention: once archived sessions leave PostgreSQL, GET /bars answers
/// every interval, session, anchor and page exactly as it did when they were hot, a correction
/// made afterwards shows through, and a session never archived is never deleted.
/// </summary>
public sealed class TieredReadTests : IAsyncLifetime
{
    private const string Key = "tiered-test-key";
    private static readonly string TokenKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    // Across the spring clock change; 2024-03-12 stays hot (not archived).
    private static readonly DateOnly[] Days = [.. NyseCalendar.GetTradingDays(new(2024, 3, 6), new(2024, 3, 12)).Select(d => d.Date)];
    private static readonly DateOnly Cutoff = new(2024, 3, 13);

    private static readonly string[] Reads =
    [
        "/bars/SPY?interval=1m&start=2024-03-06&end=2024-03-13&limit=700",
        "/bars/SPY?interval=1m&session=regular&start=2024-03-06&end=2024-03-13&limit=1000",
        "/bars/SPY?interval=5m&start=2024-03-06&end=2024-03-13&limit=333",
        "/bars/SPY?interval=15m&session=regular&start=2024-03-07T15:00:00Z&end=2024-03-12T16:00:00Z",
        "/bars/SPY?interval=1h&anchor=session&start=2024-03-06&end=2024-03-13",
        "/bars/SPY?interval=90m&start=2024-03-06&end=2024-03-13",
        "/bars/SPY?interval=1d&start=2024-03-01&end=2024-03-20",
        "/bars/SPY?interval=1d&session=extended&start=2024-03-01&end=2024-03-20&limit=2",
        "/bars/SPY?interval=1d",
        "/bars?symbols=SPY,QQQ&interval=30m&start=2024-03-08&end=2024-03-12&limit=50",
        // Adjusted at read time from whichever tier the raw bars come from.
        "/bars/SPY?interval=1d&start=2024-03-01&end=2024-03-20&adjustment=all",
        "/bars?symbols=SPY,QQQ&interval=15m&start=2024-03-06&end=2024-03-13&limit=200&adjustment=split",
    ];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "sp-tiered-" + Guid.NewGuid().ToString("N"));
    private ThrowawayDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await ThrowawayDatabase.CreateAsync(TestServers.PostgresConnectionString, "tiered_", TestServers.Hint);
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private WebApplicationFactory<Program> CreateGateway(int retentionDays, string partitioning) =>
        InProcessGateway.Create(_database.ConnectionString, "tiered", Key, ("Gateway:PageTokenKey", TokenKey), ("Archive:Root", _root),
            ("Archive:HotRetentionDays", retentionDays.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("Archive:Partitioning", partitioning));

    // In month mode every archived session of March shares one file per symbol: the reads, the
    // retention's checks and the late correction's rewrite each take their session's rows from it.
    [Theory]
    [InlineData("day")]
    [InlineData("month")]
    public async Task Sessions_past_retention_read_from_the_archive_exactly_as_they_read_from_the_hot_store(string partitioning)
    {
        // Every read, every page, while everything is hot.
        await using (var hot = CreateGateway(retentionDays: 0, partitioning))
        {
            await SeedAsync(hot.Services);
        }
        Dictionary<string, List<JsonElement>> before;
        await using (var hot = CreateGateway(retentionDays: 0, partitioning))
        {
            before = await ReadAllPagesAsync(hot.CreateClient());
            // The listing: a row per session; the totals count each file's bytes once.
            using var list = JsonDocument.Parse(await hot.CreateClient().GetStringAsync("/archive/partitions"));
            var partitions = list.RootElement.GetProperty("partitions").EnumerateArray().ToList();
            Assert.Equal(2 * (Days.Length - 1), list.RootElement.GetProperty("count").GetInt32());
            Assert.All(partitions, p => Assert.Equal(partitioning, p.GetProperty("granularity").GetString()));
            Assert.Equal(partitioning == "month" ? 2 : partitions.Count, list.RootElement.GetProperty("files").GetInt32());
            Assert.Equal(partitions.DistinctBy(p => p.GetProperty("path").GetString()).Sum(p => p.GetProperty("bytes").GetInt64()), list.RootElement.GetProperty("bytes").GetInt64());
        }
        var files = Directory.EnumerateFiles(Path.Combine(_root, "parquet", "bars"), "*.parquet", SearchOption.AllDirectories).ToList();
        Assert.Equal(partitioning == "month" ? 2 : 2 * (Days.Length - 1), files.Count);

        // Retention up to 2024-03-13: the archived sessions leave PostgreSQL, 2024-03-12 (never archived) stays.
        var retentionDays = NewYorkTime.DateOf(DateTimeOffset.UtcNow).DayNumber - Cutoff.DayNumber;
        await using var tiered = CreateGateway(retentionDays, partitioning);
        var result = await tiered.Services.GetRequiredService<HotStoreRetention>().ApplyAsync();
        Assert.Equal(2 * (Days.Length - 1), result.SessionsDeleted);
        Assert.Equal(2, result.SessionsKept); // 2024-03-12 of both symbols, never archived; every archived session agreed
        Assert.Equal(new RetentionResult(0, 0, 2), await tiered.Services.GetRequiredService<HotStoreRetention>().ApplyAsync()); // nothing left to do
        Assert.Equal(await CountMinutesAsync(new DateOnly(2024, 3, 12)), await CountMinutesAsync(null));

        var after = await ReadAllPagesAsync(tiered.CreateClient());
        foreach (var read in Reads) AssertSameBars(before[read], after[read], read);
        // CSV streams a range over both tiers in one answer: the same bars as all the JSON pages.
        using (var csvClient = tiered.CreateClient())
        {
            foreach (var read in Reads.Where(r => r.Contains("start=", StringComparison.Ordinal)))
                await AssertCsvHoldsAsync(csvClient, read, after[read]);
        }
        // (The adjusted daily bars are not the raw ones: a split and a dividend follow the first sessions.)
        Assert.NotEqual(after[Reads[6]][0].GetProperty("close").GetDecimal(), after[Reads[^2]][0].GetProperty("close").GetDecimal());

        // A correction after the session left the hot store shows through, and archiving it again keeps the rest.
        var day = Days[1];
        var open = before[Reads[0]].Select(b => b.GetProperty("timestamp").GetDateTimeOffset()).First(t => t >= NyseCalendar.GetTradingDay(day)!.OpenUtc.AddMinutes(17));
        var corrected = new Bar(open, 250m, 260m, 240m, 255m, 77_777, 7, 251m);
        await tiered.Services.GetRequiredService<BarStore>().UpsertAsync(Symbol.Parse("SPY"), "iex", [corrected]);
        await tiered.Services.GetRequiredService<SessionArchiver>().ArchiveAsync(Symbol.Parse("SPY"), day);
        using var client = tiered.CreateClient();
        var minutes = await ReadAllPagesAsync(client, $"/bars/SPY?interval=1m&start={day:yyyy-MM-dd}&end={day:yyyy-MM-dd}&limit=10000");
        Assert.Equal(before[Reads[0]].Count(b => NewYorkTime.DateOf(b.GetProperty("timestamp").GetDateTimeOffset()) == day), minutes.Count);
        var changed = Assert.Single(minutes, b => b.GetProperty("timestamp").GetDateTimeOffset() == open);
        Assert.Equal(77_777, changed.GetProperty("volume").GetInt64());
    }

    // Three symbols' worth of random minutes over the days (extended hours, gaps, zero volumes), every session but the last archived.
    private static async Task SeedAsync(IServiceProvider services)
    {
        await services.GetRequiredService<CalendarStore>().SaveRangeAsync(new(2024, 3, 1), new(2024, 3, 31), [.. NyseCalendar.GetTradingDays(new(2024, 3, 1), new(2024, 3, 31))]);
        var bars = services.GetRequiredService<BarStore>();
        var archiver = services.GetRequiredService<SessionArchiver>();
        foreach (var (symbol, seed) in new[] { ("SPY", 7), ("QQQ", 11) })
        {
            var random = new Random(seed);
            var price = 400m;
            var minutes = new List<Bar>();
            foreach (var day in Days.Select(d => NyseCalendar.GetTradingDay(d)!))
            {
                for (var t = day.SessionOpenUtc; t < day.SessionCloseUtc; t = t.AddMinutes(1))
                {
                    if (random.NextDouble() < 0.3) continue;
                    var open = price;
                    price = Math.Max(1m, open + random.Next(-40, 41) / 100m);
                    var high = Math.Max(open, price) + random.Next(0, 20) / 100m;
                    var low = Math.Min(open, price) - random.Next(0, 20) / 100m;
                    var volume = random.Next(15) == 0 ? 0 : random.Next(1, 9_000);
                    minutes.Add(new Bar(t, open, high, low, price, volume, volume == 0 ? 0 : random.Next(1, 90), Math.Round(low + (high - low) * (decimal)random.NextDouble(), 6)));
                }
            }
            await bars.UpsertAsync(Symbol.Parse(symbol), "iex", minutes);
            foreach (var day in Days[..^1]) await archiver.ArchiveAsync(Symbol.Parse(symbol), day);
        }
        await services.GetRequiredService<CorporateActionStore>().ReplaceAsync(["SPY"], new(2024, 1, 1), new(2024, 12, 31),
        [
            new("spy-split", "SPY", CorporateActionTypes.ForwardSplit, new(2024, 3, 8), new(2024, 3, 8), 1m, 2m, null, null, 0.5m, 2m, "{}"),
            new("spy-div", "SPY", CorporateActionTypes.CashDividend, new(2024, 3, 11), new(2024, 3, 28), null, null, 1.7m, 401.23m,
                BarAdjuster.DividendFactor(1.7m, 401.23m), null, "{}"),
        ]);
    }

    private static async Task<Dictionary<string, List<JsonElement>>> ReadAllPagesAsync(HttpClient client)
    {
        var all = new Dictionary<string, List<JsonElement>>();
        foreach (var read in Reads) all[read] = await ReadAllPagesAsync(client, read);
        return all;
    }

    // Follows next_page_token to the end; a multi-symbol page's bars are flattened symbol by symbol.
    private static async Task<List<JsonElement>> ReadAllPagesAsync(HttpClient client, string read)
    {
        var bars = new List<JsonElement>();
        string? token = null;
        do
        {
            using var page = JsonDocument.Parse(await client.GetStringAsync(read + (token is null ? "" : $"&page_token={token}")));
            var body = page.RootElement.GetProperty("bars");
            bars.AddRange(body.ValueKind == JsonValueKind.Array
                ? body.EnumerateArray().Select(b => b.Clone())
                : body.EnumerateObject().SelectMany(symbol => symbol.Value.EnumerateArray().Select(b => b.Clone())));
            token = page.RootElement.GetProperty("next_page_token").GetString();
        }
        while (token is not null);
        return bars;
    }

    // The range as CSV (no limit: the whole range in one answer) holds the JSON pages' bars, field by field.
    private static async Task AssertCsvHoldsAsync(HttpClient client, string read, List<JsonElement> expected)
    {
        var url = System.Text.RegularExpressions.Regex.Replace(read, "&limit=[0-9]+", "") + "&format=csv";
        var lines = (await client.GetStringAsync(url)).Split('\n', StringSplitOptions.RemoveEmptyEntries)[1..];
        Assert.True(expected.Count == lines.Length, $"{url}: {lines.Length} CSV rows, expected {expected.Count}");
        for (var i = 0; i < lines.Length; i++)
        {
            var cells = lines[i].Split(',');
            Assert.True(expected[i].GetProperty("timestamp").GetDateTimeOffset() == DateTimeOffset.Parse(cells[1], System.Globalization.CultureInfo.InvariantCulture), $"{url} #{i}: {lines[i]} expected {expected[i]}");
            var prices = new[] { "open", "high", "low", "close" }.Select((field, k) => (field, cell: cells[2 + k])).Append(("vwap", cells[8]));
            foreach (var (field, cell) in prices)
                Assert.True(expected[i].GetProperty(field).GetDecimal() == decimal.Parse(cell, System.Globalization.CultureInfo.InvariantCulture), $"{url} #{i} {field}: {lines[i]} expected {expected[i]}");
            Assert.True(expected[i].GetProperty("volume").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture) == cells[6], $"{url} #{i} volume: {lines[i]}");
        }
    }

    // Equal values field by field (prices compared as numbers: the archive keeps 8 decimals, not the text's trailing zeros).
    private static void AssertSameBars(List<JsonElement> expected, List<JsonElement> actual, string read)
    {
        Assert.True(expected.Count > 0, $"{read}: nothing to compare");
        var (times, actualTimes) = (expected.Select(b => b.GetProperty("timestamp").GetString()).ToList(), actual.Select(b => b.GetProperty("timestamp").GetString()).ToList());
        Assert.True(expected.Count == actual.Count,
            $"{read}: {actual.Count} bars, expected {expected.Count}; extra {string.Join(", ", actualTimes.Except(times))}; missing {string.Join(", ", times.Except(actualTimes))}");
        for (var i = 0; i < expected.Count; i++)
        {
            foreach (var field in new[] { "open", "high", "low", "close", "vwap" })
                Assert.True(expected[i].GetProperty(field).GetDecimal() == actual[i].GetProperty(field).GetDecimal(), $"{read} #{i} {field}: {actual[i]} expected {expected[i]}");
            foreach (var field in new[] { "timestamp", "volume", "trade_count", "complete" })
                Assert.True(expected[i].GetProperty(field).ToString() == actual[i].GetProperty(field).ToString(), $"{read} #{i} {field}: {actual[i]} expected {expected[i]}");
        }
    }

    private async Task<long> CountMinutesAsync(DateOnly? day)
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(day is null
            ? "SELECT count(*) FROM bars_1m WHERE symbol = 'SPY'"
            : "SELECT count(*) FROM bars_1m WHERE symbol = 'SPY' AND (ts AT TIME ZONE 'America/New_York')::date = @day", connection);
        if (day is { } d) command.Parameters.AddWithValue("day", d);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
