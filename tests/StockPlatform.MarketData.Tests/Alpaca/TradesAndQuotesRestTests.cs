using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StockPlatform.MarketData.Alpaca.Errors;
using StockPlatform.MarketData.Alpaca.Rest;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketData.Tests.Support;

namespace StockPlatform.MarketData.Tests.Alpaca;

/// <summary>
/// Historical trades and quotes against a local HTTP server answering in Alpaca's wire format:
/// nanosecond timestamps, both page shapes, tokens, limits, retries and typed errors.
/// </summary>
public class TradesAndQuotesRestTests
{
    private static readonly Symbol Spy = Symbol.Parse("SPY");
    private static readonly Symbol Aapl = Symbol.Parse("AAPL");
    private static readonly NanoTime From = NanoTime.Parse("2024-01-02T14:30:00.000000001Z");
    private static readonly NanoTime To = NanoTime.Parse("2024-01-02T21:00:00Z");

    // A token as Alpaca makes them: base64, so '+', '/' and '=' must be escaped in the query.
    private const string Token = "U1BZfDIwMjQtMDEtMDJUMTQ6MzA6MDAuMTIz+/==";

    private const string FirstTradesPage = $$"""
        {"trades":[
          {"t":"2024-01-02T14:30:00.123456789Z","x":"V","p":187.15,"s":100,"c":["@"],"i":52983525029461,"z":"C"},
          {"t":"2024-01-02T14:30:00.123456790Z","x":"P","p":187,"s":7,"c":["@","F","I"],"i":52983525029462,"z":"B","u":"canceled"}
        ],"symbol":"SPY","next_page_token":"{{Token}}"}
        """;

    private const string LastTradesPage = """
        {"trades":[{"t":"2024-01-02T20:59:59.999999999Z","x":"D","p":0.0001,"s":1,"c":null,"i":1,"z":"A"}],"symbol":"SPY","next_page_token":null}
        """;

    private static Trade T(string time, long id, string exchange, decimal price, long size, string[] conditions, string tape) =>
        new(NanoTime.Parse(time), id, exchange, price, size, conditions, tape);

    private static async Task<LocalServer> ServeAsync(string path, Func<HttpRequest, IResult> answer, ConcurrentQueue<string>? queries = null) =>
        await LocalServer.StartAsync(app => app.MapGet(path, (HttpContext context) =>
        {
            queries?.Enqueue(context.Request.QueryString.Value ?? string.Empty);
            return answer(context.Request);
        }));

    private static IResult Json(string body) => Results.Content(body, "application/json");

    private static async Task<List<T>> AllAsync<T>(IAsyncEnumerable<T> pages)
    {
        var list = new List<T>();
        await foreach (var page in pages) list.Add(page);
        return list;
    }

    [Fact]
    public async Task Single_symbol_trade_pages_keep_every_nanosecond_and_follow_the_escaped_token()
    {
        var queries = new ConcurrentQueue<string>();
        await using var server = await ServeAsync("/v2/stocks/SPY/trades",
            request => Json(request.Query.ContainsKey("page_token") ? LastTradesPage : FirstTradesPage), queries);
        using var clients = Clients.For(server.BaseUri);

        var request = TradesRequest.For(Spy, From, To) with { Feed = "sip", Sort = AlpacaSort.Descending, PageSize = 2 };
        var pages = await AllAsync(clients.Rest.GetTradePagesAsync(request));

        Assert.Equal(2, pages.Count);
        Assert.Equal((1, false, Token), (pages[0].Number, pages[0].IsLast, pages[0].NextPageToken));
        Assert.Equal((2, true, (string?)null), (pages[1].Number, pages[1].IsLast, pages[1].NextPageToken));
        Assert.Equal(
            [
                new SymbolTrade(Spy, T("2024-01-02T14:30:00.123456789Z", 52983525029461, "V", 187.15m, 100, ["@"], "C")),
                new SymbolTrade(Spy, T("2024-01-02T14:30:00.123456790Z", 52983525029462, "P", 187m, 7, ["@", "F", "I"], "B")),
            ],
            pages[0].Trades);
        var last = Assert.Single(pages[1].Trades).Trade;
        Assert.Equal("2024-01-02T20:59:59.999999999Z", last.Time.ToString());
        Assert.Equal(0.0001m, last.Price);
        Assert.Empty(last.Conditions);

        var first = queries.First();
        var second = queries.Last();
        Assert.DoesNotContain("page_token", first);
        // Start has nanoseconds and keeps them; the whole-second end goes plain. Every page repeats every parameter.
        foreach (var query in new[] { first, second })
        {
            Assert.Contains("start=2024-01-02T14%3A30%3A00.000000001Z", query);
            Assert.Contains("end=2024-01-02T21%3A00%3A00Z", query);
            Assert.Contains("limit=2", query);
            Assert.Contains("feed=sip", query);
            Assert.Contains("sort=desc", query);
        }
        Assert.Contains("page_token=" + Uri.EscapeDataString(Token), second);
        Assert.Contains("%2B%2F%3D%3D", second);
    }

    [Fact]
    public async Task Multi_symbol_quote_pages_carry_each_row_s_symbol_and_merge_across_pages()
    {
        const string page1 = """
            {"quotes":{
              "SPY":[{"t":"2024-01-02T14:30:00.000000100Z","ax":"Q","ap":187.16,"as":3,"bx":"P","bp":187.14,"bs":2,"c":["R"],"z":"B"}],
              "AAPL":[{"t":"2024-01-02T14:30:00.5Z","ax":"V","ap":188,"as":1,"bx":"V","bp":187.5,"bs":400,"c":["R"],"z":"C"},
                      {"t":"2024-01-02T14:30:01Z","ax":"V","ap":188.01,"as":1,"bx":"V","bp":187.99,"bs":1,"c":[],"z":"C"}]
            },"next_page_token":"cGFnZTI="}
            """;
        const string page2 = """
            {"quotes":{"SPY":[{"t":"2024-01-02T14:30:02.000000009Z","ax":"N","ap":187.2,"as":10,"bx":"N","bp":187.1,"bs":20,"c":["R","Y"],"z":"A"}],"QQQ":null},
             "next_page_token":null}
            """;
        var queries = new ConcurrentQueue<string>();
        await using var server = await ServeAsync("/v2/stocks/quotes",
            request => Json(request.Query.ContainsKey("page_token") ? page2 : page1), queries);
        using var clients = Clients.For(server.BaseUri);

        var request = new QuotesRequest([Spy, Aapl], From, To) { AsOf = new DateOnly(2024, 1, 2), Currency = "USD" };
        var pages = await AllAsync(clients.Rest.GetQuotePagesAsync(request));
        var merged = await clients.Rest.GetQuotesAsync(request);

        Assert.Equal([Aapl, Aapl, Spy], pages[0].Quotes.Select(q => q.Symbol));
        Assert.Equal(
            new Quote(NanoTime.Parse("2024-01-02T14:30:00.5Z"), "V", 187.5m, 400, "V", 188m, 1, ["R"], "C"),
            pages[0].Quotes[0].Quote);
        Assert.Equal(
            new Quote(NanoTime.Parse("2024-01-02T14:30:02.000000009Z"), "N", 187.1m, 20, "N", 187.2m, 10, ["R", "Y"], "A"),
            Assert.Single(pages[1].Quotes).Quote);
        Assert.Equal(["2024-01-02T14:30:00.000000100Z", "2024-01-02T14:30:02.000000009Z"], merged[Spy].Select(q => q.Time.ToString()));
        Assert.Equal(2, merged[Aapl].Count);
        Assert.Equal(2, merged.Count);

        var first = queries.First();
        Assert.StartsWith("?symbols=SPY%2CAAPL&", first);
        Assert.Contains("limit=10000", first); // the configured page size, Alpaca's maximum
        Assert.Contains("feed=iex", first);
        Assert.Contains("sort=asc", first);
        Assert.Contains("asof=2024-01-02", first);
        Assert.Contains("currency=USD", first);
    }

    [Fact]
    public async Task An_empty_answer_is_one_last_page_without_rows()
    {
        await using var server = await ServeAsync("/v2/stocks/SPY/quotes", _ => Json("""{"quotes":null,"symbol":"SPY","next_page_token":null}"""));
        using var clients = Clients.For(server.BaseUri);

        var page = Assert.Single(await AllAsync(clients.Rest.GetQuotePagesAsync(QuotesRequest.For(Spy, From, To))));

        Assert.True(page.IsLast);
        Assert.Empty(page.Quotes);
    }

    [Fact]
    public async Task A_query_resumes_from_a_page_token_it_is_given()
    {
        var queries = new ConcurrentQueue<string>();
        await using var server = await ServeAsync("/v2/stocks/SPY/trades", _ => Json(LastTradesPage), queries);
        using var clients = Clients.For(server.BaseUri);

        var page = Assert.Single(await AllAsync(clients.Rest.GetTradePagesAsync(TradesRequest.For(Spy, From, To) with { PageToken = Token })));

        Assert.Single(page.Trades);
        Assert.Contains("page_token=" + Uri.EscapeDataString(Token), Assert.Single(queries));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10_001)]
    public async Task A_page_size_outside_alpaca_s_limit_is_refused_before_any_request(int pageSize)
    {
        var queries = new ConcurrentQueue<string>();
        await using var server = await ServeAsync("/v2/stocks/SPY/trades", _ => Json(LastTradesPage), queries);
        using var clients = Clients.For(server.BaseUri);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => AllAsync(clients.Rest.GetTradePagesAsync(TradesRequest.For(Spy, From, To) with { PageSize = pageSize })));
        await Assert.ThrowsAsync<ArgumentException>(() => AllAsync(clients.Rest.GetTradePagesAsync(TradesRequest.For(Spy, To, From))));
        Assert.Empty(queries);
    }

    [Fact]
    public async Task A_429_waits_for_the_reset_the_headers_name_then_the_page_arrives()
    {
        var arrivals = new ConcurrentQueue<DateTimeOffset>();
        long resetAt = 0;
        await using var server = await LocalServer.StartAsync(app => app.MapGet("/v2/stocks/SPY/trades", (HttpContext context) =>
        {
            arrivals.Enqueue(DateTimeOffset.UtcNow);
            var headers = context.Response.Headers;
            headers["X-RateLimit-Limit"] = "200";
            if (arrivals.Count == 1)
            {
                // Two whole seconds ahead: the header's resolution is one second.
                resetAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 2;
                headers["X-RateLimit-Remaining"] = "0";
                headers["X-RateLimit-Reset"] = resetAt.ToString(CultureInfo.InvariantCulture);
                return Results.Json(new { code = 42910000, message = "too many requests." }, statusCode: 429);
            }
            headers["X-RateLimit-Remaining"] = "199";
            headers["X-RateLimit-Reset"] = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60).ToString(CultureInfo.InvariantCulture);
            return Json(LastTradesPage);
        }));
        var log = new ResponseLog();
        using var clients = Clients.For(server.BaseUri, log: log);

        var trades = await clients.Rest.GetTradesAsync(TradesRequest.For(Spy, From, To));

        Assert.Single(trades[Spy]);
        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.OK], log.Statuses);
        Assert.True(arrivals.Last() >= DateTimeOffset.FromUnixTimeSeconds(resetAt),
            $"the retry came at {arrivals.Last():HH:mm:ss.fff}, before the reset at {DateTimeOffset.FromUnixTimeSeconds(resetAt):HH:mm:ss}");
    }

    [Fact]
    public async Task Server_errors_are_retried_and_counted_as_calls_of_the_trades_endpoint_in_a_span()
    {
        var calls = new ConcurrentQueue<(string? Endpoint, object? Status)>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "StockPlatform.MarketData" && instrument.Name == "stockplatform.alpaca.calls") listener.EnableMeasurementEvents(instrument);
        };
        meters.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            string? endpoint = null;
            object? status = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "stockplatform.alpaca.endpoint") endpoint = tag.Value as string;
                if (tag.Key == "http.response.status_code") status = tag.Value;
            }
            calls.Enqueue((endpoint, status));
        });
        meters.Start();
        var spans = new ConcurrentQueue<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "StockPlatform.MarketData",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(activities);

        var attempts = 0;
        await using var server = await ServeAsync("/v2/stocks/TELEM/trades", _ =>
            Interlocked.Increment(ref attempts) <= 2 ? Results.Json(new { message = "bad gateway" }, statusCode: 502) : Json(LastTradesPage.Replace("SPY", "TELEM", StringComparison.Ordinal)));
        var log = new ResponseLog();
        using var clients = Clients.For(server.BaseUri, log: log);

        var trades = await clients.Rest.GetTradesAsync(TradesRequest.For(Symbol.Parse("TELEM"), From, To));

        Assert.Single(trades[Symbol.Parse("TELEM")]);
        Assert.Equal([HttpStatusCode.BadGateway, HttpStatusCode.BadGateway, HttpStatusCode.OK], log.Statuses);
        Assert.Equal(2, calls.Count(c => c is ("trades", 502)));
        Assert.Contains(calls, c => c is ("trades", 200));
        var span = Assert.Single(spans, s => s.GetTagItem("url.path") as string == "/v2/stocks/TELEM/trades");
        Assert.Equal("alpaca trades", span.DisplayName);
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal(200, span.GetTagItem("http.response.status_code"));
    }

    [Fact]
    public async Task An_invalid_symbol_fails_at_once_with_alpaca_s_message()
    {
        await using var server = await ServeAsync("/v2/stocks/quotes", _ => Results.Json(new { code = 40010001, message = "invalid symbol: BAD!" }, statusCode: 400));
        var log = new ResponseLog();
        using var clients = Clients.For(server.BaseUri, log: log);

        var error = await Assert.ThrowsAsync<AlpacaInvalidSymbolException>(() => clients.Rest.GetQuotesAsync(new QuotesRequest([Spy, Aapl], From, To)));

        Assert.Contains("invalid symbol: BAD!", error.Message);
        Assert.Single(log.Statuses);
    }

    [Fact]
    public async Task A_feed_outside_the_plan_is_a_permission_error()
    {
        await using var server = await ServeAsync("/v2/stocks/SPY/trades",
            _ => Results.Json(new { message = "subscription does not permit querying recent SIP data" }, statusCode: 403));
        using var clients = Clients.For(server.BaseUri);

        var error = await Assert.ThrowsAsync<AlpacaPermissionException>(() => clients.Rest.GetTradesAsync(TradesRequest.For(Spy, From, To) with { Feed = "sip" }));

        Assert.Contains("iex", error.Message);
    }

    [Fact]
    public async Task A_token_handed_back_unchanged_stops_the_paging()
    {
        await using var server = await ServeAsync("/v2/stocks/SPY/trades", _ => Json(FirstTradesPage));
        using var clients = Clients.For(server.BaseUri);

        var error = await Assert.ThrowsAsync<AlpacaRequestException>(() => clients.Rest.GetTradesAsync(TradesRequest.For(Spy, From, To)));

        Assert.Contains("same page token twice", error.Message);
    }

    [Theory]
    [InlineData("""{"trades":[{"x":"V","p":1,"s":1,"i":1,"z":"C"}],"symbol":"SPY","next_page_token":null}""", "no timestamp")]
    [InlineData("""{"trades":[{"t":"2024-01-02T14:30:00.1234567891Z","x":"V","p":1,"s":1,"i":1,"z":"C"}],"symbol":"SPY","next_page_token":null}""", "RFC 3339")]
    [InlineData("""{"trades":[{"t":"2024-01-02T14:30:00Z","x":"V","p":"n/a","s":1,"i":1,"z":"C"}],"symbol":"SPY","next_page_token":null}""", "'p'")]
    [InlineData("""{"trades":[{"t":"2024-01-02T14:30:00Z","x":"V","p":1,"s":1.5,"i":1,"z":"C"}],"symbol":"SPY","next_page_token":null}""", "'s'")]
    public async Task A_row_that_cannot_be_read_fails_the_query_naming_the_problem(string body, string problem)
    {
        await using var server = await ServeAsync("/v2/stocks/SPY/trades", _ => Json(body));
        using var clients = Clients.For(server.BaseUri);

        var error = await Assert.ThrowsAsync<AlpacaRequestException>(() => clients.Rest.GetTradesAsync(TradesRequest.For(Spy, From, To)));

        Assert.Contains(problem, error.Message);
    }
}
