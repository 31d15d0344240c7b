using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Ticks;
using StockPlatform.Testing;

namespace StockPlatform.IntegrationTests.Gateway;

/// <summary>
/// <c>GET /trades/{symbol}</c> and <c>GET /quotes/{symbol}</c> through the whole gateway on a real
/// database, the rows written by the stores: the agreed shapes with nine-digit timestamps, ranges
/// bounded to the nanosecond, paging that covers a range exactly once either way round, CSV equal
/// to JSON, the latest rows without a range, and tokens bound to their query.
/// </summary>
public sealed class TicksApiTests : IAsyncLifetime
{
    private const string Key = "ticks-test-key";
    private static readonly DateTimeOffset Open = new(2024, 3, 4, 14, 30, 0, TimeSpan.Zero); // 09:30 in New York
    private static readonly Symbol Spy = Symbol.Parse("SPY");

    // Three trades inside one microsecond (09:40:00.000001), a nanosecond range cuts between them.
    private static readonly DateTimeOffset Cluster = Open.AddMinutes(10).AddMicroseconds(1);

    private ThrowawayDatabase _database = null!;
    private WebApplicationFactory<Program> _gateway = null!;
    private HttpClient _client = null!;

    private static readonly List<Trade> SpyDay = MakeTrades();
    private static readonly List<Trade> SpyOtherDays =
    [
        new(NanoTime.From(Open.AddDays(-3), 5), 1, "V", 170m, 10, ["@"], "C"),   // 2024-03-01
        new(NanoTime.From(Open.AddDays(1), 999), 2, "V", 190m, 10, ["@"], "C"),  // 2024-03-05
        new(NanoTime.From(Open.AddDays(1).AddHours(1), 1), 3, "Q", 191m, 20, ["@", "F"], "C"),
    ];

    private static readonly List<Quote> SpyQuotes = MakeQuotes();

    public async Task InitializeAsync()
    {
        _database = await ThrowawayDatabase.CreateAsync(TestServers.PostgresConnectionString, "ticks_", TestServers.Hint);
        _gateway = InProcessGateway.Create(_database.ConnectionString, "ticks", Key);
        _client = _gateway.CreateClient();

        var trades = _gateway.Services.GetRequiredService<TradeStore>();
        await trades.InsertAsync(Spy, "sip", [.. SpyDay, .. SpyOtherDays]);
        await trades.InsertAsync(Symbol.Parse("QQQ"), "sip", SpyDay.Take(20).ToList());
        await _gateway.Services.GetRequiredService<QuoteStore>().InsertAsync(Spy, "sip", SpyQuotes);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _database.DisposeAsync();
    }

    /// <summary>
    /// 2024-03-04's trades: one every 1.3 s and a few nanoseconds, some pairs on two exchanges at
    /// the same nanosecond, a cluster inside one microsecond, a condition that needs CSV quoting.
    /// </summary>
    private static List<Trade> MakeTrades()
    {
        var trades = new List<Trade>();
        for (var i = 0; i < 230; i++)
        {
            var at = NanoTime.From(Open, (i * 1_300_000_017L) + 3);
            trades.Add(new Trade(at, 1_000 + i, i % 3 == 0 ? "V" : "Q", 180m + (i % 23 * 0.01m), 1 + (i % 7 * 100), i % 5 == 0 ? ["@", "I"] : ["@"], "C"));
            if (i % 10 == 0) trades.Add(new Trade(at, 9_000 + i, "P", 180.5m, 300, ["@"], "C"));
        }
        trades.Add(new Trade(NanoTime.From(Cluster, 100), 7_001, "V", 181.25m, 5, ["@", ","], "C"));
        trades.Add(new Trade(NanoTime.From(Cluster, 500), 7_002, "V", 181.26m, 6, ["@", "T"], "C"));
        trades.Add(new Trade(NanoTime.From(Cluster, 900), 7_003, "V", 181.27m, 7, ["\"Z\""], "C"));
        return [.. Ordered(trades)];
    }

    /// <summary>Quotes every 2 s, each sixth instant with three quotes (their order is their position).</summary>
    private static List<Quote> MakeQuotes()
    {
        var quotes = new List<Quote>();
        for (var i = 0; i < 150; i++)
        {
            var at = NanoTime.From(Open, (i * 2_000_000_011L) + 7);
            for (var same = 0; same < (i % 6 == 0 ? 3 : 1); same++)
                quotes.Add(new Quote(at, "P", 180m + (i % 13 * 0.01m), 1 + same, "Q", 180.02m + (i % 13 * 0.01m), 3 + same, ["R"], "C"));
        }
        return quotes;
    }

    // The API's order within an instant: exchange, then trade id.
    private static IEnumerable<Trade> Ordered(IEnumerable<Trade> trades) =>
        trades.OrderBy(t => t.Time).ThenBy(t => t.Exchange, StringComparer.Ordinal).ThenBy(t => t.Id);

    [Fact]
    public async Task Trades_and_quotes_come_back_in_the_agreed_shape_with_nine_digit_timestamps()
    {
        using var trades = await GetJsonAsync("/trades/spy?start=2024-03-04&end=2024-03-04&limit=2");
        Assert.Equal(["symbol", "trades", "next_page_token"], trades.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("SPY", trades.RootElement.GetProperty("symbol").GetString());
        var trade = trades.RootElement.GetProperty("trades")[0];
        Assert.Equal(["timestamp", "exchange", "price", "size", "conditions", "id", "tape"], trade.EnumerateObject().Select(p => p.Name));
        var first = SpyDay[0];
        Assert.Equal("2024-03-04T14:30:00.000000003Z", trade.GetProperty("timestamp").GetString());
        Assert.Equal((first.Exchange, first.Price, first.Size, first.Id, first.Tape),
            (trade.GetProperty("exchange").GetString(), trade.GetProperty("price").GetDecimal(), trade.GetProperty("size").GetInt64(),
             trade.GetProperty("id").GetInt64(), trade.GetProperty("tape").GetString()));
        Assert.Equal(first.Conditions, trade.GetProperty("conditions").EnumerateArray().Select(c => c.GetString()));
        Assert.NotNull(trades.RootElement.GetProperty("next_page_token").GetString());

        using var quotes = await GetJsonAsync("/quotes/SPY?start=2024-03-04&limit=3");
        Assert.Equal(["symbol", "quotes", "next_page_token"], quotes.RootElement.EnumerateObject().Select(p => p.Name));
        var quote = quotes.RootElement.GetProperty("quotes")[1];
        Assert.Equal(["timestamp", "bid_exchange", "bid_price", "bid_size", "ask_exchange", "ask_price", "ask_size", "conditions", "tape"],
            quote.EnumerateObject().Select(p => p.Name));
        Assert.Equal(ToJsonLine(SpyQuotes[1]), QuoteLine(quote));
    }

    [Theory]
    [InlineData("trades", "asc")]
    [InlineData("trades", "desc")]
    [InlineData("quotes", "asc")]
    [InlineData("quotes", "desc")]
    public async Task Paging_a_range_returns_every_row_exactly_once_in_either_order(string dataset, string sort)
    {
        var (rows, pages) = await ReadAllAsync($"/{dataset}/SPY?start=2024-03-04&end=2024-03-04&sort={sort}&limit=7", dataset);

        var expected = dataset == "trades" ? SpyDay.Select(ToJsonLine).ToList() : SpyQuotes.Select(ToJsonLine).ToList();
        if (sort == "desc") expected.Reverse();
        Assert.Equal(expected, rows.Select(dataset == "trades" ? (Func<JsonElement, string>)TradeLine : QuoteLine));
        Assert.Equal((expected.Count + 6) / 7, pages);
    }

    [Fact]
    public async Task A_range_is_inclusive_to_the_nanosecond_at_both_ends()
    {
        var cluster = Cluster.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
        foreach (var (start, end, ids) in new[]
        {
            ("500", "900", new long[] { 7_002, 7_003 }),
            ("100", "499", new long[] { 7_001 }),
            ("101", "899", new long[] { 7_002 }),
            ("901", "999", Array.Empty<long>()),
        })
        {
            foreach (var sort in new[] { "asc", "desc" })
            {
                // A page of one: the rows of the bound's microsecond outside the range are dropped, not counted.
                var (rows, _) = await ReadAllAsync($"/trades/SPY?start={cluster}{start}Z&end={cluster}{end}Z&sort={sort}&limit=1", "trades");
                Assert.Equal(sort == "asc" ? ids : Enumerable.Reverse(ids), rows.Select(r => r.GetProperty("id").GetInt64()));
            }
        }
        // Nanoseconds in any offset, and times without them.
        var (offset, _) = await ReadAllAsync($"/trades/SPY?start=2024-03-04T09:40:00.000001500-05:00&end={cluster}900Z", "trades");
        Assert.Equal([7_002, 7_003], offset.Select(r => r.GetProperty("id").GetInt64()));
        var (coarse, _) = await ReadAllAsync("/trades/SPY?start=2024-03-04T14:30:00Z&end=2024-03-04T14:30:01.3Z", "trades");
        Assert.Equal(SpyDay.Where(t => t.Time <= NanoTime.From(Open, 1_300_000_000)).Select(t => t.Id), coarse.Select(r => r.GetProperty("id").GetInt64()));
    }

    [Fact]
    public async Task Without_a_range_the_latest_rows_come_back_and_newest_first_pages_back_through_all()
    {
        var all = Ordered(SpyDay.Concat(SpyOtherDays)).ToList();
        using var latest = await GetJsonAsync("/trades/SPY?limit=5");
        Assert.Equal(all[^5..].Select(ToJsonLine), latest.RootElement.GetProperty("trades").EnumerateArray().Select(TradeLine));
        Assert.Equal(JsonValueKind.Null, latest.RootElement.GetProperty("next_page_token").ValueKind);

        var (newestFirst, pages) = await ReadAllAsync("/trades/SPY?sort=desc&limit=100", "trades");
        all.Reverse();
        Assert.Equal(all.Select(ToJsonLine), newestFirst.Select(TradeLine));
        Assert.Equal((all.Count + 99) / 100, pages);

        using var quotes = await GetJsonAsync("/quotes/SPY?sort=desc&limit=4");
        Assert.Equal(Enumerable.Reverse(SpyQuotes[^4..]).Select(ToJsonLine), quotes.RootElement.GetProperty("quotes").EnumerateArray().Select(QuoteLine));
        using var csv = await _client.GetAsync("/trades/SPY?limit=3&format=csv");
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Ordered(SpyDay.Concat(SpyOtherDays)).TakeLast(3).Select(t => "SPY," + ToCsvLine(t)), lines[1..]);
    }

    [Theory]
    [InlineData("trades", "asc")]
    [InlineData("trades", "desc")]
    [InlineData("quotes", "asc")]
    [InlineData("quotes", "desc")]
    public async Task The_csv_answer_holds_the_same_rows_as_the_json_pages(string dataset, string sort)
    {
        var query = $"/{dataset}/SPY?start=2024-03-04&end=2024-03-05&sort={sort}";
        var (rows, _) = await ReadAllAsync(query + "&limit=50", dataset);

        using var request = new HttpRequestMessage(HttpMethod.Get, query);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var response = await _client.SendAsync(request);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        var lines = text.Split('\n')[..^1];

        Assert.Equal(dataset == "trades" ? "symbol,timestamp,exchange,price,size,conditions,id,tape"
            : "symbol,timestamp,bid_exchange,bid_price,bid_size,ask_exchange,ask_price,ask_size,conditions,tape", lines[0]);
        Assert.Equal(rows.Select(row => "SPY," + (dataset == "trades" ? JsonToCsvTrade(row) : JsonToCsvQuote(row))), lines[1..]);
        Assert.Equal(text, await (await _client.GetAsync(query + "&format=csv")).Content.ReadAsStringAsync());
        if (dataset == "trades")
        {
            // RFC 4180: a field with a comma or a quote is quoted, its quotes doubled.
            Assert.Contains("SPY,2024-03-04T14:40:00.000001100Z,V,181.25,5,\"@ ,\",7001,C", lines);
            Assert.Contains("SPY,2024-03-04T14:40:00.000001900Z,V,181.27,7,\"\"\"Z\"\"\",7003,C", lines);
        }
    }

    [Fact]
    public async Task A_page_token_only_resumes_the_query_that_issued_it()
    {
        const string query = "start=2024-03-04&end=2024-03-04&limit=5";
        using var first = await GetJsonAsync($"/trades/SPY?{query}");
        var token = first.RootElement.GetProperty("next_page_token").GetString()!;
        var tampered = token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];

        foreach (var url in new[]
        {
            $"/trades/QQQ?{query}&page_token={token}",
            $"/trades/SPY?{query}&sort=desc&page_token={token}",
            $"/trades/SPY?start=2024-03-04&end=2024-03-05&limit=5&page_token={token}",
            $"/trades/SPY?start=2024-03-04T14:30:00Z&end=2024-03-04&limit=5&page_token={token}",
            $"/trades/SPY?limit=5&page_token={token}",
            $"/quotes/SPY?{query}&page_token={token}",
            $"/trades/SPY?{query}&page_token={tampered}",
            $"/bars/SPY?{query}&page_token={token}",
        })
        {
            using var response = await _client.GetAsync(url);
            await AssertProblemAsync(response, HttpStatusCode.BadRequest, "page_token");
        }

        // Any page size resumes it, right after the last row sent.
        using var resumed = await GetJsonAsync($"/trades/SPY?start=2024-03-04&end=2024-03-04&limit=3&page_token={token}");
        Assert.Equal(SpyDay.Skip(5).Take(3).Select(ToJsonLine), resumed.RootElement.GetProperty("trades").EnumerateArray().Select(TradeLine));
    }

    [Fact]
    public async Task Bad_requests_get_a_problem_naming_the_parameter()
    {
        foreach (var (url, field) in new[]
        {
            ("/trades/SPY?start=2024-03-05&end=2024-03-04", "start"),
            ("/trades/SPY?start=2024-03-04T14:30:00.000000002Z&end=2024-03-04T14:30:00.000000001Z", "start"),
            ("/quotes/SPY?start=2024-03-04T14:30:00.1234567891Z", "start"),
            ("/trades/SPY?end=9999-12-31T00:00:00Z", "end"),
            ("/trades/SPY?end=2199-12-31T23:00:00-05:00", "end"),
            ("/quotes/SPY?limit=10001", "limit"),
            ("/trades/SPY?sort=newest", "sort"),
            ("/trades/SPY?start=2024-03-04&format=csv&page_token=abc", "page_token"),
            ("/quotes/S%26P", "symbol"),
        })
        {
            using var response = await _client.GetAsync(url);
            await AssertProblemAsync(response, HttpStatusCode.BadRequest, field);
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, "/quotes/SPY");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/xml"));
        await AssertProblemAsync(await _client.SendAsync(request), HttpStatusCode.NotAcceptable, null);

        // A CSV range has no page limit unless one is asked for; a bounded one is kept.
        var csv = await (await _client.GetAsync("/trades/SPY?start=2024-03-04&limit=4&format=csv")).Content.ReadAsStringAsync();
        Assert.Equal(5, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    /// <summary>Every page of a query, following next_page_token; each page but the last is full.</summary>
    private async Task<(List<JsonElement> Rows, int Pages)> ReadAllAsync(string url, string dataset)
    {
        var rows = new List<JsonElement>();
        string? token = null;
        var pages = 0;
        var limit = url.Contains("limit=", StringComparison.Ordinal)
            ? int.Parse(url[(url.IndexOf("limit=", StringComparison.Ordinal) + 6)..].Split('&')[0], CultureInfo.InvariantCulture) : 1000;
        do
        {
            using var page = await GetJsonAsync(url + (token is null ? string.Empty : $"&page_token={token}"));
            var items = page.RootElement.GetProperty(dataset).EnumerateArray().Select(row => row.Clone()).ToList();
            token = page.RootElement.GetProperty("next_page_token").GetString();
            Assert.True(token is null || items.Count == limit, $"a page of {items.Count} before the last");
            rows.AddRange(items);
            Assert.True(++pages < 1000, "paging does not end");
        }
        while (token is not null);
        return (rows, pages);
    }

    private static string Conditions(IEnumerable<string> conditions) => string.Join('|', conditions);

    private static string ToJsonLine(Trade t) => string.Join(';', t.Time.ToString(), t.Exchange, t.Price.ToString(CultureInfo.InvariantCulture),
        t.Size, Conditions(t.Conditions), t.Id, t.Tape);

    private static string TradeLine(JsonElement t) => string.Join(';', t.GetProperty("timestamp").GetString(), t.GetProperty("exchange").GetString(),
        t.GetProperty("price").GetDecimal().ToString(CultureInfo.InvariantCulture), t.GetProperty("size").GetInt64(),
        Conditions(t.GetProperty("conditions").EnumerateArray().Select(c => c.GetString()!)), t.GetProperty("id").GetInt64(), t.GetProperty("tape").GetString());

    private static string ToJsonLine(Quote q) => string.Join(';', q.Time.ToString(), q.BidExchange, q.BidPrice.ToString(CultureInfo.InvariantCulture), q.BidSize,
        q.AskExchange, q.AskPrice.ToString(CultureInfo.InvariantCulture), q.AskSize, Conditions(q.Conditions), q.Tape);

    private static string QuoteLine(JsonElement q) => string.Join(';', q.GetProperty("timestamp").GetString(), q.GetProperty("bid_exchange").GetString(),
        q.GetProperty("bid_price").GetDecimal().ToString(CultureInfo.InvariantCulture), q.GetProperty("bid_size").GetInt64(),
        q.GetProperty("ask_exchange").GetString(), q.GetProperty("ask_price").GetDecimal().ToString(CultureInfo.InvariantCulture),
        q.GetProperty("ask_size").GetInt64(), Conditions(q.GetProperty("conditions").EnumerateArray().Select(c => c.GetString()!)), q.GetProperty("tape").GetString());

    // RFC 4180, written out here rather than taken from the gateway.
    private static string Csv(string field) =>
        field.Contains(',') || field.Contains('"') || field.Contains('\n') || field.Contains('\r') ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;

    private static string ToCsvLine(Trade t) => string.Join(',', t.Time.ToString(), Csv(t.Exchange), t.Price.ToString(CultureInfo.InvariantCulture),
        t.Size.ToString(CultureInfo.InvariantCulture), Csv(string.Join(' ', t.Conditions)), t.Id.ToString(CultureInfo.InvariantCulture), Csv(t.Tape));

    private static string JsonToCsvTrade(JsonElement t) => string.Join(',', t.GetProperty("timestamp").GetString(), Csv(t.GetProperty("exchange").GetString()!),
        t.GetProperty("price").GetRawText(), t.GetProperty("size").GetRawText(),
        Csv(string.Join(' ', t.GetProperty("conditions").EnumerateArray().Select(c => c.GetString()))), t.GetProperty("id").GetRawText(), Csv(t.GetProperty("tape").GetString()!));

    private static string JsonToCsvQuote(JsonElement q) => string.Join(',', q.GetProperty("timestamp").GetString(),
        Csv(q.GetProperty("bid_exchange").GetString()!), q.GetProperty("bid_price").GetRawText(), q.GetProperty("bid_size").GetRawText(),
        Csv(q.GetProperty("ask_exchange").GetString()!), q.GetProperty("ask_price").GetRawText(), q.GetProperty("ask_size").GetRawText(),
        Csv(string.Join(' ', q.GetProperty("conditions").EnumerateArray().Select(c => c.GetString()))), Csv(q.GetProperty("tape").GetString()!));

    private async Task<JsonDocument> GetJsonAsync(string url)
    {
        using var response = await _client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? field)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{response.RequestMessage?.RequestUri}: expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        if (field is not null) Assert.True(json.RootElement.GetProperty("errors").TryGetProperty(field, out _), body);
    }
}
