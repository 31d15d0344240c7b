using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using StockPlatform.Archive;
using StockPlatform.Archive.Partitions;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Calendar;
using StockPlatform.Storage.Ticks;
using StockPlatform.Testing;

namespace StockPlatform.IntegrationTests.Gateway;

/// <summary>
/// The archive through the gateway: partitions listed, the archive verified against the hot store
/// (and each kind of damage found), and user SQL answered within its limits, sandboxed to the
/// archive, with every forbidden statement refused by name.
/// </summary>
public sealed class ArchiveApiTests : IAsyncLifetime
{
    private const string Key = "archive-test-key";
    private static readonly DateOnly[] Days = [new(2024, 3, 4), new(2024, 3, 5), new(2024, 3, 7)];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "sp-archive-api-" + Guid.NewGuid().ToString("N"));
    private ThrowawayDatabase _database = null!;
    private WebApplicationFactory<Program> _gateway = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _database = await ThrowawayDatabase.CreateAsync(TestServers.PostgresConnectionString, "archive_api_", TestServers.Hint);
        _gateway = CreateGateway();
        _client = _gateway.CreateClient();
        _client.DefaultRequestHeaders.Add("X-Api-Key", Key);

        var bars = _gateway.Services.GetRequiredService<BarStore>();
        await _gateway.Services.GetRequiredService<CalendarStore>().SaveRangeAsync(new(2024, 3, 1), new(2024, 3, 31), [.. NyseCalendar.GetTradingDays(new(2024, 3, 1), new(2024, 3, 31))]);
        var archiver = _gateway.Services.GetRequiredService<SessionArchiver>();
        foreach (var symbol in new[] { "SPY", "QQQ" })
        {
            foreach (var day in Days)
            {
                await bars.UpsertAsync(Symbol.Parse(symbol), "iex", Minutes(symbol, day));
                await archiver.ArchiveAsync(Symbol.Parse(symbol), day);
            }
        }
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _database.DisposeAsync();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private WebApplicationFactory<Program> CreateGateway(params (string Key, string Value)[] settings) =>
        InProcessGateway.Create(_database.ConnectionString, "archive", Key, [("Archive:Root", _root), .. settings]);

    [Fact]
    public async Task The_partitions_of_a_symbol_are_listed_with_what_each_holds()
    {
        using var list = JsonDocument.Parse(await _client.GetStringAsync("/archive/partitions?symbol=SPY"));
        var partitions = list.RootElement.GetProperty("partitions").EnumerateArray().ToList();
        Assert.Equal(Days.Select(d => d.ToString("yyyy-MM-dd")), partitions.Select(p => p.GetProperty("session").GetString()));
        Assert.All(partitions, p => Assert.Equal(390, p.GetProperty("rows").GetInt32()));
        Assert.All(partitions, p => Assert.Matches("^parquet/bars/symbol=SPY/dt=2024-03-0[457]/part-0.parquet$", p.GetProperty("path").GetString()));
        Assert.Equal(3 * 390, list.RootElement.GetProperty("rows").GetInt64());
        Assert.Equal(partitions.Sum(p => p.GetProperty("bytes").GetInt64()), list.RootElement.GetProperty("bytes").GetInt64());
        // Day files: one per session, each with its session's checksum.
        Assert.Equal(partitions.Count, list.RootElement.GetProperty("files").GetInt32());
        Assert.All(partitions, p => Assert.Equal("day", p.GetProperty("granularity").GetString()));
        Assert.All(partitions, p => Assert.Matches("^[0-9a-f]{64}$", p.GetProperty("rows_sha256").GetString()));

        using var all = JsonDocument.Parse(await _client.GetStringAsync("/archive/partitions"));
        Assert.Equal(6, all.RootElement.GetProperty("count").GetInt32());
        using var trades = JsonDocument.Parse(await _client.GetStringAsync("/archive/partitions?dataset=trades"));
        Assert.Equal(0, trades.RootElement.GetProperty("count").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.GetAsync("/archive/partitions?dataset=ticks")).StatusCode);
    }

    [Fact]
    public async Task A_query_over_the_bars_view_answers_what_the_hot_store_holds_in_json_and_csv()
    {
        const string sql = "SELECT symbol, dt, count(*) AS minutes, sum(volume) AS volume, max(high) AS high, min(ts) AS first FROM bars GROUP BY ALL ORDER BY symbol, dt";
        using var response = await _client.PostAsJsonAsync("/archive/sql", new { sql });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["symbol", "dt", "minutes", "volume", "high", "first"], body.RootElement.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        var rows = body.RootElement.GetProperty("rows").EnumerateArray().ToList();
        var expected = new[] { "QQQ", "SPY" }.SelectMany(symbol => Days.Select(day => (symbol, day, bars: Minutes(symbol, day)))).ToList();
        Assert.Equal(expected.Count, rows.Count);
        foreach (var ((symbol, day, bars), row) in expected.Zip(rows))
        {
            Assert.Equal(symbol, row[0].GetString());
            Assert.Equal(day.ToString("yyyy-MM-dd"), row[1].GetString());
            Assert.Equal(bars.Count, row[2].GetInt64());
            Assert.Equal(bars.Sum(b => b.Volume), row[3].GetInt64());
            Assert.Equal(bars.Max(b => b.High), row[4].GetDecimal());
            Assert.Equal(bars[0].Timestamp.UtcDateTime, row[5].GetDateTime().ToUniversalTime());
        }
        Assert.True(body.RootElement.GetProperty("truncated").ValueKind == JsonValueKind.Null);

        using var csv = await _client.PostAsJsonAsync("/archive/sql", new { sql, format = "csv" });
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("symbol,dt,minutes,volume,high,first", lines[0]);
        Assert.Equal($"QQQ,2024-03-04,390,{Minutes("QQQ", Days[0]).Sum(b => b.Volume)},{Minutes("QQQ", Days[0]).Max(b => b.High):0.00000000},2024-03-04T14:30:00Z", lines[1]);
    }

    [Theory]
    [InlineData("SELECT * FROM read_csv('/etc/passwd')", "Permission Error")]
    [InlineData("SELECT * FROM read_text('/proc/self/environ')", "Permission Error")]
    [InlineData("COPY (SELECT * FROM bars) TO '{root}/parquet/leak.csv'", "only one read-only query")]
    [InlineData("ATTACH '/tmp/other.duckdb' AS other", "only one read-only query")]
    [InlineData("INSTALL httpfs", "only one read-only query")]
    [InlineData("LOAD httpfs", "only one read-only query")]
    [InlineData("SET enable_external_access = true", "only one read-only query")]
    [InlineData("PRAGMA database_list", "only one read-only query")]
    [InlineData("CREATE TABLE t AS SELECT 1", "only one read-only query")]
    [InlineData("SELECT 1; SELECT 2", "exactly one statement")]
    [InlineData("SELECT 1; COPY (SELECT 1) TO '/tmp/x.csv'", "only one read-only query")]
    [InlineData("SELEC 1", "does not parse")]
    [InlineData("SELECT current_setting('allowed_directories') FROM bars, read_parquet('/etc/*.parquet')", "Permission Error")]
    public async Task Anything_but_one_read_only_query_over_the_archive_is_refused_saying_why(string sql, string reason)
    {
        sql = sql.Replace("{root}", _root, StringComparison.Ordinal);
        using var response = await _client.PostAsJsonAsync("/archive/sql", new { sql });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var message = problem.RootElement.GetProperty("errors").GetProperty("sql")[0].GetString();
        Assert.Contains(reason, message, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(Path.Combine(_root, "parquet", "leak.csv")));
        Assert.False(File.Exists("/tmp/x.csv") && File.GetLastWriteTimeUtc("/tmp/x.csv") > DateTime.UtcNow.AddMinutes(-1));
    }

    [Fact]
    public async Task Row_byte_and_time_limits_cut_or_stop_a_query_and_say_which()
    {
        using (var cut = await _client.PostAsJsonAsync("/archive/sql", new { sql = "SELECT * FROM bars ORDER BY symbol, ts", max_rows = 10 }))
        {
            using var body = JsonDocument.Parse(await cut.Content.ReadAsStringAsync());
            Assert.Equal(10, body.RootElement.GetProperty("row_count").GetInt32());
            Assert.Equal("max_rows (10)", body.RootElement.GetProperty("truncated").GetString());
        }

        await using var small = CreateGateway(("Gateway:SqlMaxBytes", "2048"), ("Gateway:SqlTimeoutSeconds", "1"));
        using var client = small.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", Key);
        using (var bytes = await client.PostAsJsonAsync("/archive/sql", new { sql = "SELECT * FROM bars" }))
        {
            using var body = JsonDocument.Parse(await bytes.Content.ReadAsStringAsync());
            Assert.Equal("max_bytes (2048)", body.RootElement.GetProperty("truncated").GetString());
            Assert.InRange(body.RootElement.GetProperty("row_count").GetInt32(), 1, 100);
        }

        var started = DateTime.UtcNow;
        using var slow = await client.PostAsJsonAsync("/archive/sql", new { sql = "SELECT count(*) FROM range(1000000000000) a, bars" });
        Assert.Equal(HttpStatusCode.BadRequest, slow.StatusCode);
        Assert.Contains("longer than the 1 s limit", await slow.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "the query was stopped near its limit");

        Assert.Equal(HttpStatusCode.BadRequest, (await _client.PostAsJsonAsync("/archive/sql", new { sql = "SELECT 1", max_rows = 0 })).StatusCode);
        using var keyless = _gateway.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await keyless.PostAsJsonAsync("/archive/sql", new { sql = "SELECT 1" })).StatusCode);
    }

    [Fact]
    public async Task Verification_passes_on_a_faithful_archive_and_names_each_kind_of_damage()
    {
        using (var clean = JsonDocument.Parse(await _client.GetStringAsync("/archive/verify?symbol=SPY")))
        {
            Assert.Equal(3, clean.RootElement.GetProperty("ok").GetInt32());
            Assert.True(clean.RootElement.GetProperty("consistent").GetBoolean());
        }

        // A correction in the hot store after archiving, a deleted file, a file changed on disk.
        var corrected = Minutes("SPY", Days[0]);
        corrected[100] = corrected[100] with { Close = corrected[100].Close + 0.01m };
        await _gateway.Services.GetRequiredService<BarStore>().UpsertAsync(Symbol.Parse("SPY"), "iex", corrected);
        var layout = _gateway.Services.GetRequiredService<ArchiveLayout>();
        File.Delete(layout.BarsPartition("SPY", Days[1]));
        await File.AppendAllTextAsync(layout.BarsPartition("SPY", Days[2]), "x");

        using var damaged = JsonDocument.Parse(await _client.GetStringAsync("/archive/verify?symbol=SPY"));
        var checks = damaged.RootElement.GetProperty("checks").EnumerateArray().ToList();
        Assert.Equal(["differs", "file-missing", "checksum-mismatch"], checks.Select(c => c.GetProperty("status").GetString()));
        Assert.Contains(corrected[100].Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm"), checks[0].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(damaged.RootElement.GetProperty("consistent").GetBoolean());
        Assert.Equal(3, damaged.RootElement.GetProperty("problems").GetInt32());

        // Archiving the corrected session again makes it agree.
        await _gateway.Services.GetRequiredService<SessionArchiver>().ArchiveAsync(Symbol.Parse("SPY"), Days[0]);
        using var again = JsonDocument.Parse(await _client.GetStringAsync("/archive/verify?symbol=SPY"));
        Assert.Equal("ok", again.RootElement.GetProperty("checks")[0].GetProperty("status").GetString());

        Assert.Equal(HttpStatusCode.BadRequest, (await _client.GetAsync("/archive/verify")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.GetAsync("/archive/verify?symbol=not%20a%20symbol")).StatusCode);
    }

    [Fact]
    public async Task Trades_and_quotes_days_are_listed_verified_and_queried_like_the_bars()
    {
        var spy = Symbol.Parse("SPY");
        var open = NewYorkTime.StartOfDay(Days[0]).AddHours(9.5);
        var trades = Enumerable.Range(0, 300).Select(i => new Trade(NanoTime.From(open, i * 1_000_000_007L), 1_000 + i, i % 2 == 0 ? "V" : "Q", 500.25m + i % 7 * 0.01m, 100, ["@"], "C")).ToList();
        var quotes = Enumerable.Range(0, 200).Select(i => new Quote(NanoTime.From(open, i * 999_999_937L), "P", 500.24m, 2, "Q", 500.26m, 3, ["R"], "C")).ToList();
        await _gateway.Services.GetRequiredService<TradeStore>().InsertAsync(spy, "sip", trades);
        await _gateway.Services.GetRequiredService<QuoteStore>().InsertAsync(spy, "sip", quotes);
        var archiver = _gateway.Services.GetRequiredService<TickArchiver>();
        await archiver.ArchiveTradesAsync(spy, Days[0]);
        await archiver.ArchiveQuotesAsync(spy, Days[0]);

        using (var list = JsonDocument.Parse(await _client.GetStringAsync("/archive/partitions?symbol=SPY&dataset=trades")))
        {
            var partition = Assert.Single(list.RootElement.GetProperty("partitions").EnumerateArray());
            Assert.Equal(("trades", 300, "parquet/trades/symbol=SPY/dt=2024-03-04/part-0.parquet"),
                (partition.GetProperty("dataset").GetString(), partition.GetProperty("rows").GetInt32(), partition.GetProperty("path").GetString()));
        }

        using (var all = JsonDocument.Parse(await _client.GetStringAsync("/archive/verify?symbol=SPY")))
        {
            Assert.Equal(5, all.RootElement.GetProperty("ok").GetInt32());
            Assert.Equal(["bars", "bars", "bars", "trades", "quotes"], all.RootElement.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("dataset").GetString()));
        }
        using (var one = JsonDocument.Parse(await _client.GetStringAsync("/archive/verify?symbol=SPY&dataset=quotes")))
        {
            var check = Assert.Single(one.RootElement.GetProperty("checks").EnumerateArray());
            Assert.Equal(("ok", 200, 200), (check.GetProperty("status").GetString(), check.GetProperty("archived_rows").GetInt32(), check.GetProperty("hot_rows").GetInt32()));
        }
        using var wrong = await _client.GetAsync("/archive/verify?symbol=SPY&dataset=ticks");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("dataset", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var answer = await _client.PostAsJsonAsync("/archive/sql", new { sql = "SELECT (SELECT count(*) FROM trades), (SELECT sum(size) FROM trades), (SELECT count(*) FROM quotes WHERE conditions = ['R'])" });
        using var body = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        Assert.Equal([300, 30_000, 200], body.RootElement.GetProperty("rows")[0].EnumerateArray().Select(v => v.GetInt64()));
    }

    private static List<Bar> Minutes(string symbol, DateOnly day)
    {
        var open = NewYorkTime.StartOfDay(day).AddHours(9.5);
        var basePrice = symbol == "SPY" ? 500m : 400m;
        return [.. Enumerable.Range(0, 390).Select(i =>
        {
            var price = basePrice + (i % 37) * 0.01m + day.Day;
            return new Bar(open.AddMinutes(i), price, price + 0.05m, price - 0.05m, price + 0.01m, 100 + i, 3, price);
        })];
    }
}
