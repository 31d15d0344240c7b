using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Calendar;
using StockPlatform.Storage.Ledger;
using StockPlatform.Testing;

namespace StockPlatform.IntegrationTests.Gateway;

/// <summary>
/// The query API through the whole gateway (WebApplicationFactory) on a real database seeded with
/// two symbols' minutes: shapes, paging, CSV, coverage, tokens, keys, limits and the API document.
/// </summary>
public sealed class GatewayApiTests : IAsyncLifetime
{
    private const string Key = "api-test-key";
    private static readonly DateOnly[] Days = [new(2024, 3, 4), new(2024, 3, 5), new(2024, 3, 7)]; // 03-06 never fetched

    private ThrowawayDatabase _database = null!;
    private WebApplicationFactory<Program> _gateway = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _database = await ThrowawayDatabase.CreateAsync(TestServers.PostgresConnectionString, "api_", TestServers.Hint);
        _gateway = CreateGateway();
        _client = _gateway.CreateClient();

        // Every regular-session minute of three sessions for SPY and QQQ, as the agent would store them.
        var bars = _gateway.Services.GetRequiredService<BarStore>();
        var ledger = _gateway.Services.GetRequiredService<IngestLedger>();
        await _gateway.Services.GetRequiredService<CalendarStore>().SaveRangeAsync(new(2024, 1, 1), new(2024, 12, 31), [.. NyseCalendar.GetTradingDays(new(2024, 1, 1), new(2024, 12, 31))]);
        foreach (var symbol in new[] { "SPY", "QQQ" })
        {
            foreach (var day in Days)
            {
                var minutes = Minutes(symbol, day);
                await bars.UpsertAsync(Symbol.Parse(symbol), "iex", minutes);
                await ledger.RecordAsync(symbol, "iex", new Dictionary<DateOnly, int> { [day] = minutes.Count });
            }
        }
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _database.DisposeAsync();
    }

    private WebApplicationFactory<Program> CreateGateway(params (string Key, string Value)[] settings) =>
        InProcessGateway.Create(_database.ConnectionString, "api", Key, settings);

    [Fact]
    public async Task Reads_beyond_the_streamed_slots_page_and_hold_the_same_bars()
    {
        // One slot: a slow download keeps it (and its connection); the next export pages instead
        // of waiting, and a JSON page is read whole before it is written.
        await using var gateway = CreateGateway(("Gateway:StreamedReads", "1"));
        using var client = gateway.CreateClient();
        const string range = "/bars?symbols=SPY,QQQ&interval=1m&start=2024-03-04&end=2024-03-07&format=csv";
        const string page = "/bars?symbols=SPY,QQQ&interval=1m&start=2024-03-04&end=2024-03-07&limit=1500";
        var streamed = await client.GetStringAsync(range);
        var streamedPage = await client.GetStringAsync(page);

        using var slow = await client.GetAsync(range, HttpCompletionOption.ResponseHeadersRead);
        await using var held = await slow.Content.ReadAsStreamAsync();
        var first = new byte[64];
        var taken = await held.ReadAsync(first);
        Assert.True(taken > 0);
        var paged = await client.GetStringAsync(range);
        var pagedPage = await client.GetStringAsync(page);
        using var rest = new StreamReader(held);
        var slowText = System.Text.Encoding.UTF8.GetString(first, 0, taken) + await rest.ReadToEndAsync();

        Assert.Equal(2 * Days.Sum(day => Minutes("SPY", day).Count) + 1, streamed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(streamed, paged);
        Assert.Equal(streamed, slowText);
        using (var json = JsonDocument.Parse(streamedPage))
        {
            // Every QQQ minute (first by name), then SPY's first ones; the token resumes within SPY.
            var perSymbol = Days.Sum(day => Minutes("SPY", day).Count);
            Assert.Equal(perSymbol, json.RootElement.GetProperty("bars").GetProperty("QQQ").GetArrayLength());
            Assert.Equal(1500 - perSymbol, json.RootElement.GetProperty("bars").GetProperty("SPY").GetArrayLength());
            Assert.NotNull(json.RootElement.GetProperty("next_page_token").GetString());
        }
        Assert.Equal(streamedPage, pagedPage);
        await using var none = CreateGateway(("Gateway:StreamedReads", "0"));
        using var noneClient = none.CreateClient();
        Assert.Equal(streamed, await noneClient.GetStringAsync(range));
        Assert.Equal(StripToken(streamedPage), StripToken(await noneClient.GetStringAsync(page)));
    }

    // Tokens are signed with each gateway's own key: the bars and the rest of the page must match.
    private static string StripToken(string page) => page[..page.LastIndexOf("\"next_page_token\"", StringComparison.Ordinal)];

    [Fact]
    public async Task Paging_a_range_returns_every_bar_once_and_the_csv_export_holds_the_same_bars()
    {
        var paged = new List<JsonElement>();
        string? token = null;
        var pages = 0;
        do
        {
            using var page = await GetJsonAsync($"/bars/SPY?start=2024-03-04&end=2024-03-07&limit=250" + (token is null ? string.Empty : $"&page_token={token}"));
            paged.AddRange(page.RootElement.GetProperty("bars").EnumerateArray().Select(bar => bar.Clone()));
            token = page.RootElement.GetProperty("next_page_token").GetString();
            pages++;
        }
        while (token is not null);

        var expected = Days.SelectMany(day => Minutes("SPY", day)).ToList();
        Assert.Equal(expected.Select(b => b.Timestamp.UtcDateTime), paged.Select(b => b.GetProperty("timestamp").GetDateTime()));
        Assert.Equal((expected.Count + 249) / 250, pages);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/bars/SPY?start=2024-03-04&end=2024-03-07");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var csv = await _client.SendAsync(request);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("symbol,timestamp,open,high,low,close,volume,trade_count,vwap,complete", lines[0]);
        Assert.Equal(paged.Select(CsvLine("SPY")), lines[1..]);
        Assert.Equal(await (await _client.GetAsync("/bars/SPY?start=2024-03-04&end=2024-03-07&format=csv")).Content.ReadAsStringAsync(), string.Join('\n', lines) + "\n");
    }

    [Fact]
    public async Task A_multi_symbol_read_pages_by_symbol_then_time_with_the_limit_over_all_of_them()
    {
        var bySymbol = new Dictionary<string, List<DateTime>>();
        string? token = null;
        do
        {
            using var page = await GetJsonAsync("/bars?symbols=SPY,QQQ&start=2024-03-04&end=2024-03-05&limit=500" + (token is null ? string.Empty : $"&page_token={token}"));
            var count = 0;
            foreach (var symbol in page.RootElement.GetProperty("bars").EnumerateObject())
            {
                if (!bySymbol.TryGetValue(symbol.Name, out var list)) bySymbol[symbol.Name] = list = [];
                list.AddRange(symbol.Value.EnumerateArray().Select(bar => bar.GetProperty("timestamp").GetDateTime()));
                count += symbol.Value.GetArrayLength();
            }
            token = page.RootElement.GetProperty("next_page_token").GetString();
            Assert.True(count == 500 || token is null, $"a page of {count} bars before the last");
        }
        while (token is not null);

        Assert.Equal(["QQQ", "SPY"], bySymbol.Keys);
        foreach (var symbol in new[] { "QQQ", "SPY" })
            Assert.Equal(Days[..2].SelectMany(day => Minutes(symbol, day)).Select(b => b.Timestamp.UtcDateTime), bySymbol[symbol]);
    }

    [Fact]
    public async Task A_page_token_only_resumes_the_query_that_issued_it()
    {
        using var first = await GetJsonAsync("/bars/SPY?start=2024-03-04&end=2024-03-07&limit=10");
        var token = first.RootElement.GetProperty("next_page_token").GetString()!;
        var tampered = token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];

        foreach (var url in new[]
        {
            $"/bars/QQQ?start=2024-03-04&end=2024-03-07&limit=10&page_token={token}",
            $"/bars/SPY?interval=5m&start=2024-03-04&end=2024-03-07&limit=10&page_token={token}",
            $"/bars/SPY?session=regular&start=2024-03-04&end=2024-03-07&limit=10&page_token={token}",
            $"/bars/SPY?start=2024-03-04&end=2024-03-06&limit=10&page_token={token}",
            $"/bars/SPY?start=2024-03-04&end=2024-03-07&limit=10&page_token={tampered}",
            $"/bars?symbols=SPY,QQQ&start=2024-03-04&end=2024-03-07&limit=10&page_token={token}",
        })
        {
            using var response = await _client.GetAsync(url);
            await AssertProblemAsync(response, HttpStatusCode.BadRequest, "page_token");
        }
        using var resumed = await _client.GetAsync($"/bars/SPY?start=2024-03-04&end=2024-03-07&limit=10&page_token={token}");
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
    }

    [Fact]
    public async Task Symbols_and_coverage_show_what_is_stored_and_which_sessions_are_missing()
    {
        using var list = await GetJsonAsync("/symbols");
        var symbols = list.RootElement.GetProperty("symbols").EnumerateArray().ToList();
        Assert.Equal(["QQQ", "SPY"], symbols.Select(s => s.GetProperty("symbol").GetString()));
        var spy = symbols[1];
        Assert.Equal(Days.Sum(day => Minutes("SPY", day).Count), spy.GetProperty("bar_count").GetInt64());
        Assert.Equal(3, spy.GetProperty("sessions_fetched").GetInt32());
        Assert.Equal(new DateTime(2024, 3, 4, 14, 30, 0, DateTimeKind.Utc), spy.GetProperty("first_bar").GetDateTime());
        Assert.NotEqual(JsonValueKind.Null, spy.GetProperty("last_ingest").ValueKind);

        using var one = await GetJsonAsync("/symbols/spy");
        Assert.Equal("SPY", one.RootElement.GetProperty("symbol").GetString());
        Assert.Equal(0, one.RootElement.GetProperty("recent_jobs").GetArrayLength());
        using var unknown = await _client.GetAsync("/symbols/IWM");
        await AssertProblemAsync(unknown, HttpStatusCode.NotFound, null);

        using var coverage = await GetJsonAsync("/coverage/SPY?start=2024-03-01&end=2024-03-08&feed=iex");
        var root = coverage.RootElement;
        Assert.Equal("alpaca", root.GetProperty("calendar").GetString());
        Assert.Equal((6, 3, 3), (root.GetProperty("sessions_total").GetInt32(), root.GetProperty("sessions_fetched").GetInt32(), root.GetProperty("sessions_missing").GetInt32()));
        Assert.Equal(["2024-03-01..2024-03-01", "2024-03-06..2024-03-06", "2024-03-08..2024-03-08"],
            root.GetProperty("missing_ranges").EnumerateArray().Select(r => $"{r.GetProperty("start").GetString()}..{r.GetProperty("end").GetString()}"));
        var march4 = root.GetProperty("sessions").EnumerateArray().Single(s => s.GetProperty("date").GetString() == "2024-03-04");
        Assert.Equal(Minutes("SPY", Days[0]).Count, march4.GetProperty("bar_count").GetInt32());
    }

    [Fact]
    public async Task The_event_stream_starts_at_once_with_a_heartbeat_however_quiet_the_feed()
    {
        // Within 5 s, well before the 15 s heartbeat: a client knows at once that it is connected.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        using var response = await _client.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var first = await System.Net.ServerSentEvents.SseParser.Create(await response.Content.ReadAsStreamAsync(timeout.Token))
            .EnumerateAsync(timeout.Token).FirstAsync(timeout.Token);
        Assert.Equal("heartbeat", first.EventType);
    }

    [Fact]
    public async Task Tracked_symbols_are_flagged_and_listed_before_their_first_bar()
    {
        // The live-streaming agent's table: QQQ has bars, IWM none yet.
        await using (var source = Npgsql.NpgsqlDataSource.Create(_database.ConnectionString))
        await using (var command = source.CreateCommand("INSERT INTO tracked_symbols (symbol) VALUES ('QQQ'), ('IWM')"))
            await command.ExecuteNonQueryAsync();

        using var all = await GetJsonAsync("/symbols");
        Assert.Equal(["IWM:True", "QQQ:True", "SPY:False"],
            all.RootElement.GetProperty("symbols").EnumerateArray().Select(s => $"{s.GetProperty("symbol").GetString()}:{s.GetProperty("tracked").GetBoolean()}"));
        var iwm = all.RootElement.GetProperty("symbols")[0];
        Assert.Equal((JsonValueKind.Null, 0L), (iwm.GetProperty("first_bar").ValueKind, iwm.GetProperty("bar_count").GetInt64()));

        using var tracked = await GetJsonAsync("/symbols?tracked=true");
        Assert.Equal(["IWM", "QQQ"], tracked.RootElement.GetProperty("symbols").EnumerateArray().Select(s => s.GetProperty("symbol").GetString()));
        using var untracked = await GetJsonAsync("/symbols?tracked=FALSE");
        Assert.Equal(["SPY"], untracked.RootElement.GetProperty("symbols").EnumerateArray().Select(s => s.GetProperty("symbol").GetString()));
        using var one = await GetJsonAsync("/symbols/IWM");
        Assert.True(one.RootElement.GetProperty("tracked").GetBoolean());
        using var bad = await _client.GetAsync("/symbols?tracked=yes");
        await AssertProblemAsync(bad, HttpStatusCode.BadRequest, "tracked");
    }

    [Fact]
    public async Task An_accept_header_the_api_cannot_serve_gets_406()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/bars/SPY");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/xml"));

        using var response = await _client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.NotAcceptable, null);
    }

    [Fact]
    public async Task Every_change_needs_the_api_key_and_reads_can_be_made_to_need_it()
    {
        var job = Guid.NewGuid();
        foreach (var (method, url) in new[] { (HttpMethod.Post, "/ingest/SPY"), (HttpMethod.Post, "/jobs"), (HttpMethod.Delete, $"/jobs/{job}"), (HttpMethod.Post, $"/jobs/{job}/retry"),
            (HttpMethod.Post, "/corporate-actions/refresh") })
        {
            foreach (var key in new[] { null, "wrong-key", Key + " " })
            {
                using var request = new HttpRequestMessage(method, url);
                if (key is not null) request.Headers.Add("X-Api-Key", key);
                using var response = await _client.SendAsync(request);
                await AssertProblemAsync(response, HttpStatusCode.Unauthorized, null);
                Assert.DoesNotContain(Key, await response.Content.ReadAsStringAsync());
            }
            using var withKey = new HttpRequestMessage(method, url);
            withKey.Headers.Add("X-Api-Key", Key);
            using var allowed = await _client.SendAsync(withKey);
            Assert.NotEqual(HttpStatusCode.Unauthorized, allowed.StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/bars/SPY?limit=1")).StatusCode);

        await using var closed = CreateGateway(("Gateway:RequireKeyForReads", "true"));
        using var anonymous = closed.CreateClient();
        await AssertProblemAsync(await anonymous.GetAsync("/bars/SPY?limit=1"), HttpStatusCode.Unauthorized, null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/alive")).StatusCode); // probes need no key
        anonymous.DefaultRequestHeaders.Add("X-Api-Key", Key);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/bars/SPY?limit=1")).StatusCode);
    }

    [Fact]
    public async Task A_client_over_its_rate_gets_429_with_retry_after()
    {
        await using var limited = CreateGateway(("Gateway:RequestsPerSecond", "2"));
        using var client = limited.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => client.GetAsync("/symbols")));

        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(refused);
        Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.OK) >= 2);
        Assert.All(refused, r => Assert.True(r.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1)));
        await AssertProblemAsync(refused[0], HttpStatusCode.TooManyRequests, null);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/alive")).StatusCode); // probes are never limited
    }

    [Fact]
    public async Task The_openapi_document_lists_every_route_and_the_docs_page_serves_it()
    {
        using var document = await GetJsonAsync("/openapi/v1.json");
        var paths = document.RootElement.GetProperty("paths");
        var routes = _gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.Trim('/'))
            .Where(route => !route.StartsWith("/openapi", StringComparison.Ordinal) && !route.StartsWith("/docs", StringComparison.Ordinal)
                && route is not ("/health" or "/alive"))
            .Select(route => Regex.Replace(route, @"\{(\w+)(:\w+)?\}", "{$1}"))
            .Distinct()
            .ToList();
        Assert.NotEmpty(routes);
        Assert.All(routes, route => Assert.True(paths.TryGetProperty(route, out _), $"{route} is missing from the OpenAPI document"));
        Assert.True(document.RootElement.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("ApiKey", out _));
        // Shared parameters come with what they take and an example.
        var interval = paths.GetProperty("/bars/{symbol}").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == "interval");
        Assert.Equal("5m", interval.GetProperty("example").GetString());
        Assert.Contains("1439m", interval.GetProperty("description").GetString());

        // Every answer's body comes with an example in the API's own shape (snake_case), problems too.
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        JsonElement Example(string path, string method, string status, string type)
        {
            var schema = paths.GetProperty(path).GetProperty(method).GetProperty("responses").GetProperty(status)
                .GetProperty("content").GetProperty(type).GetProperty("schema");
            if (schema.TryGetProperty("$ref", out var reference)) schema = schemas.GetProperty(reference.GetString()!.Split('/')[^1]);
            Assert.True(schema.TryGetProperty("examples", out var examples), $"{method} {path} {status} has no example");
            return examples[0];
        }
        Assert.Equal(472.16m, Example("/bars/{symbol}", "get", "200", "application/json").GetProperty("bars")[0].GetProperty("open").GetDecimal());
        Assert.True(Example("/bars", "get", "200", "application/json").GetProperty("bars").GetProperty("SPY")[0].TryGetProperty("trade_count", out _));
        Assert.StartsWith("symbol,timestamp,", paths.GetProperty("/bars/{symbol}").GetProperty("get").GetProperty("responses").GetProperty("200")
            .GetProperty("content").GetProperty("text/csv").GetProperty("example").GetString());
        Assert.True(Example("/symbols", "get", "200", "application/json").GetProperty("symbols")[0].TryGetProperty("sessions_fetched", out _));
        Assert.True(Example("/symbols/{symbol}", "get", "200", "application/json").TryGetProperty("recent_jobs", out _));
        Assert.True(Example("/coverage/{symbol}", "get", "200", "application/json").TryGetProperty("missing_ranges", out _));
        Assert.True(Example("/jobs", "get", "200", "application/json").GetProperty("jobs")[0].GetProperty("progress").TryGetProperty("sessions_done", out _));
        Assert.True(Example("/jobs/{id}", "get", "200", "application/json").TryGetProperty("job_id", out _));
        Assert.Equal(["bars", "trades"], Example("/jobs/{id}", "get", "200", "application/json").GetProperty("data").EnumerateArray().Select(d => d.GetString()));
        Assert.True(Example("/jobs/{id}", "get", "200", "application/json").GetProperty("progress").GetProperty("rows_inserted").TryGetProperty("trades", out _));
        Assert.True(Example("/ingest/{symbol}", "post", "202", "application/json").TryGetProperty("job_id", out _));
        Assert.Equal("raw", Example("/bars/{symbol}", "get", "200", "application/json").GetProperty("adjustment").GetString());
        Assert.Equal("2024-01-02T14:30:00.123456789Z", Example("/trades/{symbol}", "get", "200", "application/json").GetProperty("trades")[0].GetProperty("timestamp").GetString());
        Assert.True(Example("/quotes/{symbol}", "get", "200", "application/json").GetProperty("quotes")[0].TryGetProperty("bid_exchange", out _));
        Assert.True(Example("/corporate-actions/{symbol}", "get", "200", "application/json").GetProperty("actions")[1].TryGetProperty("price_factor", out _));
        Assert.True(Example("/trades/{symbol}", "get", "400", "application/problem+json").TryGetProperty("errors", out _));
        foreach (var (path, header) in new[] { ("/trades/{symbol}", "symbol,timestamp,exchange,"), ("/quotes/{symbol}", "symbol,timestamp,bid_exchange,") })
        {
            Assert.StartsWith(header, paths.GetProperty(path).GetProperty("get").GetProperty("responses").GetProperty("200")
                .GetProperty("content").GetProperty("text/csv").GetProperty("example").GetString());
        }
        string Parameter(string path, string name, string property) => paths.GetProperty(path).GetProperty("get").GetProperty("parameters").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == name).GetProperty(property).GetString()!;
        Assert.Equal("split", Parameter("/bars", "adjustment", "example"));
        Assert.Contains("dividend", Parameter("/bars/{symbol}", "adjustment", "description"));
        Assert.Contains("desc", Parameter("/quotes/{symbol}", "sort", "description"));
        Assert.Contains("ex-date", Parameter("/corporate-actions/{symbol}", "start", "description"));
        Assert.True(Example("/bars/{symbol}", "get", "400", "application/problem+json").GetProperty("errors").TryGetProperty("end", out _));
        Assert.Equal(404, Example("/jobs/{id}", "get", "404", "application/problem+json").GetProperty("status").GetInt32());
        // The key and the rate limit are documented where they answer.
        var postJobs = paths.GetProperty("/jobs").GetProperty("post");
        Assert.True(postJobs.GetProperty("responses").TryGetProperty("401", out _));
        Assert.True(postJobs.GetProperty("security")[0].TryGetProperty("ApiKey", out _));
        Assert.True(paths.GetProperty("/bars/{symbol}").GetProperty("get").GetProperty("responses").TryGetProperty("429", out _));
        Assert.False(paths.GetProperty("/bars/{symbol}").GetProperty("get").GetProperty("responses").TryGetProperty("401", out _));

        using var docs = await _client.GetAsync("/docs");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Contains("text/html", docs.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public void Every_route_has_a_runnable_example_in_gateway_http()
    {
        var requests = File.ReadAllLines(Path.Combine(LocalServer.RepositoryRoot(), "Gateway", "Gateway.http"))
            .Where(line => line.Contains(" {{host}}/", StringComparison.Ordinal))
            .ToList();
        var routes = _gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(method => (Method: method, Route: "/" + e.RoutePattern.RawText!.Trim('/'))))
            .Where(r => !r.Route.StartsWith("/docs", StringComparison.Ordinal) && r.Route != "/alive")
            .Distinct()
            .ToList();
        Assert.NotEmpty(routes);
        var missing = routes.Where(r =>
        {
            // A route parameter ({id:guid}) is any one segment there: {{job}}, SPY, ...
            var path = Regex.Replace(Regex.Escape(r.Route), @"\\\{[^/]+?}", @"[^/?\s]+");
            var request = new Regex("^" + r.Method + " " + Regex.Escape("{{host}}") + path + @"(\?\S*)?$");
            return !requests.Any(line => request.IsMatch(line.Trim()));
        }).Select(r => $"{r.Method} {r.Route}").ToList();
        Assert.True(missing.Count == 0, $"not in Gateway/Gateway.http: {string.Join(", ", missing)}");
    }

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
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.True(json.RootElement.TryGetProperty("traceId", out _) || json.RootElement.TryGetProperty("trace_id", out _), body);
        if (field is not null) Assert.True(json.RootElement.GetProperty("errors").TryGetProperty(field, out _), body);
    }

    private static Func<JsonElement, string> CsvLine(string symbol) => bar => string.Join(',',
        symbol,
        bar.GetProperty("timestamp").GetDateTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        bar.GetProperty("open").GetDecimal().ToString(CultureInfo.InvariantCulture),
        bar.GetProperty("high").GetDecimal().ToString(CultureInfo.InvariantCulture),
        bar.GetProperty("low").GetDecimal().ToString(CultureInfo.InvariantCulture),
        bar.GetProperty("close").GetDecimal().ToString(CultureInfo.InvariantCulture),
        bar.GetProperty("volume").GetInt64().ToString(CultureInfo.InvariantCulture),
        bar.GetProperty("trade_count").GetInt64().ToString(CultureInfo.InvariantCulture),
        bar.GetProperty("vwap").GetDecimal().ToString(CultureInfo.InvariantCulture),
        bar.GetProperty("complete").GetBoolean() ? "true" : "false");

    /// <summary>Every regular-session minute of a day, prices drifting by symbol and minute.</summary>
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
