using System.Text.RegularExpressions;

namespace StockPlatform.IntegrationTests.Gateway.BadInput;

/// <summary>
/// The table of bad requests over every endpoint: malformed and extreme symbols, dates, intervals,
/// limits, tokens, enums, bodies, headers and methods, unicode and SQL in every string, attacks
/// on the archive's SQL box. Each must get a 4xx problem-details answer (naming the field where one
/// is at fault), none a 5xx, and change nothing. (A blank value is no value: the parameter's
/// default applies.) The pools of bad values also feed <see cref="BadInputFuzzer"/>.
/// </summary>
internal static partial class BadInputCatalog
{
    /// <summary>The API key of the gateways these requests go to; the wrong-key cases send anything but it.</summary>
    public const string Key = "bad-input-key";

    internal static readonly string[] BadSymbols =
    [
        "S&P", "SPY;DROP TABLE bars_1m", "' OR 1=1 --", "ＳＰＹ", "💥", new string('A', 5000), "SPY\u0000", "../etc/passwd",
        "SPY QQQ", "a\"b", "<script>", "ÆØÅ", "SP\nY", "%00", "🚀🚀",
    ];

    internal static readonly string[] BadDates =
    [
        "9999-12-31", "0001-01-01", "2024-13-01", "2024-02-30", "yesterday", "2024-01-01T25:00:00Z", "1e10", "'; DROP TABLE jobs; --",
        "２０２４-01-01", new string('9', 300), "1969-12-31", "2200-01-01", "-2024-01-01", "2024-1-1",
    ];

    internal static readonly string[] BadIntervals = ["0m", "-1m", "1440m", "99999999999m", "1w", "1M", "abc", "1d; DROP", "∞", "24h", "0d", "2d"];

    internal static readonly string[] BadLimits = ["0", "-1", "10001", "99999999999999", "1.5", "abc", "1e3", "１０", "NaN"];

    internal static readonly string[] BadWords = ["xml", "DROP TABLE", "🙂", "1", new string('x', 1000), "regular;", "\u202Eextended"];

    public static IEnumerable<BadRequest> Cases()
    {
        static string E(string text) => Uri.EscapeDataString(text);
        foreach (var symbol in BadSymbols)
        {
            // A NUL in a path never reaches a server (clients and Kestrel refuse it); in a query it does.
            if (!symbol.Contains('\0', StringComparison.Ordinal))
            {
                yield return new(HttpMethod.Get, $"/bars/{E(symbol)}", "symbol");
                yield return new(HttpMethod.Get, $"/symbols/{E(symbol)}", "symbol");
                yield return new(HttpMethod.Get, $"/coverage/{E(symbol)}", "symbol");
                yield return new(HttpMethod.Post, $"/ingest/{E(symbol)}", "symbol");
                yield return new(HttpMethod.Get, $"/features/{E(symbol)}", "symbol");
                yield return new(HttpMethod.Get, $"/trades/{E(symbol)}", "symbol");
                yield return new(HttpMethod.Get, $"/quotes/{E(symbol)}?format=csv", "symbol");
                yield return new(HttpMethod.Get, $"/corporate-actions/{E(symbol)}", "symbol");
            }
            yield return new(HttpMethod.Get, $"/archive/partitions?symbol={E(symbol)}", "symbol");
            yield return new(HttpMethod.Get, $"/archive/verify?symbol={E(symbol)}", "symbol");
            yield return new(HttpMethod.Post, "/features/rebuild", "symbols[1]", Json(new { symbols = new[] { "SPY", symbol } }));
            yield return new(HttpMethod.Get, $"/bars?symbols=SPY,{E(symbol)}", "symbols");
            yield return new(HttpMethod.Get, $"/events?symbol={E(symbol)}", "symbol");
            yield return new(HttpMethod.Get, $"/jobs?symbol={E(symbol)}", "symbol");
            yield return new(HttpMethod.Post, "/jobs", "symbols[1]", Json(new { symbols = new[] { "SPY", symbol } }));
            yield return new(HttpMethod.Post, "/corporate-actions/refresh", "symbols[1]", Json(new { symbols = new[] { "SPY", symbol } }));
            yield return new(HttpMethod.Get, $"/logs?symbol={E(symbol)}", "symbol");
        }
        foreach (var date in BadDates)
        {
            foreach (var parameter in new[] { "start", "end" })
            {
                yield return new(HttpMethod.Get, $"/bars/SPY?{parameter}={E(date)}", parameter);
                yield return new(HttpMethod.Get, $"/bars?symbols=SPY&{parameter}={E(date)}", parameter);
                yield return new(HttpMethod.Get, $"/coverage/SPY?{parameter}={E(date)}", parameter);
                yield return new(HttpMethod.Post, $"/ingest/SPY?{parameter}={E(date)}", parameter);
                yield return new(HttpMethod.Post, "/jobs", parameter, Json(new Dictionary<string, object> { ["symbols"] = new[] { "SPY" }, [parameter] = date }));
                yield return new(HttpMethod.Post, "/corporate-actions/refresh", parameter, Json(new Dictionary<string, object> { ["symbols"] = new[] { "SPY" }, [parameter] = date }));
                yield return new(HttpMethod.Get, $"/bars/SPY?interval=1d&format=csv&{parameter}={E(date)}", parameter);
                yield return new(HttpMethod.Get, $"/features/SPY?{parameter}={E(date)}", parameter);
                yield return new(HttpMethod.Get, $"/trades/SPY?{parameter}={E(date)}", parameter);
                yield return new(HttpMethod.Get, $"/quotes/SPY?sort=desc&{parameter}={E(date)}", parameter);
                yield return new(HttpMethod.Get, $"/trades/SPY?format=csv&{parameter}={E(date)}", parameter);
                yield return new(HttpMethod.Get, $"/corporate-actions/SPY?{parameter}={E(date)}", parameter);
                yield return new(HttpMethod.Get, $"/bars/SPY?adjustment=split&{parameter}={E(date)}", parameter);
            }
            yield return new(HttpMethod.Get, $"/logs?since={E(date)}", "since");
            yield return new(HttpMethod.Get, $"/logs?until={E(date)}&agent=gateway", "until");
        }
        foreach (var interval in BadIntervals)
        {
            yield return new(HttpMethod.Get, $"/bars/SPY?interval={E(interval)}", "interval");
            yield return new(HttpMethod.Get, $"/bars?symbols=SPY,QQQ&interval={E(interval)}&start=2024-03-04", "interval");
            yield return new(HttpMethod.Get, $"/features/SPY?interval={E(interval)}", "interval");
        }
        foreach (var limit in BadLimits)
        {
            yield return new(HttpMethod.Get, $"/bars/SPY?limit={E(limit)}", "limit");
            yield return new(HttpMethod.Get, $"/bars?symbols=SPY&limit={E(limit)}", "limit");
            yield return new(HttpMethod.Get, $"/jobs?limit={E(limit)}", "limit");
            yield return new(HttpMethod.Get, $"/features/SPY?limit={E(limit)}", "limit");
            yield return new(HttpMethod.Get, $"/alerts?limit={E(limit)}", "limit");
            yield return new(HttpMethod.Get, $"/logs?limit={E(limit)}", "limit");
            yield return new(HttpMethod.Get, $"/trades/SPY?limit={E(limit)}", "limit");
            yield return new(HttpMethod.Get, $"/quotes/SPY?start=2024-03-04&limit={E(limit)}", "limit");
            yield return new(HttpMethod.Get, $"/trades/SPY?sort=desc&limit={E(limit)}", "limit");
        }
        foreach (var word in BadWords)
        {
            yield return new(HttpMethod.Get, $"/bars/SPY?session={E(word)}", "session");
            yield return new(HttpMethod.Get, $"/bars/SPY?anchor={E(word)}", "anchor");
            yield return new(HttpMethod.Get, $"/bars/SPY?format={E(word)}", "format");
            yield return new(HttpMethod.Get, $"/bars/SPY?adjustment={E(word)}", "adjustment");
            yield return new(HttpMethod.Get, $"/bars?symbols=SPY,QQQ&start=2024-03-04&adjustment={E(word)}", "adjustment");
            yield return new(HttpMethod.Get, $"/bars/SPY?format=csv&adjustment={E(word)}", "adjustment");
            yield return new(HttpMethod.Get, $"/trades/SPY?sort={E(word)}", "sort");
            yield return new(HttpMethod.Get, $"/quotes/SPY?sort={E(word)}", "sort");
            yield return new(HttpMethod.Get, $"/trades/SPY?format={E(word)}", "format");
            yield return new(HttpMethod.Get, $"/quotes/SPY?format={E(word)}", "format");
            yield return new(HttpMethod.Get, $"/coverage/SPY?feed={E(word)}", "feed");
            yield return new(HttpMethod.Post, $"/ingest/SPY?feed={E(word)}", "feed");
            yield return new(HttpMethod.Get, $"/jobs?status={E(word)}", "status");
            yield return new(HttpMethod.Get, $"/symbols?tracked={E(word)}", "tracked");
            // (A kind of lower-case letters is a valid filter that matches nothing: the stream would just stay open.)
            if (!word.All(char.IsAsciiLetterLower)) yield return new(HttpMethod.Get, $"/events?kind={E(word)}", "kind");
            yield return new(HttpMethod.Post, "/jobs", "feed", Json(new { symbols = new[] { "SPY" }, feed = word }));
            yield return new(HttpMethod.Post, "/jobs", "data", Json(new { symbols = new[] { "SPY" }, data = new[] { "bars", word } }));
            yield return new(HttpMethod.Post, $"/ingest/SPY?data={E(word)}", "data");
            yield return new(HttpMethod.Post, $"/ingest/SPY?data=trades,{E(word)}", "data");
            yield return new(HttpMethod.Get, $"/features/SPY?feature_set={E(word)}", "feature_set");
            yield return new(HttpMethod.Get, $"/features/SPY?format={E(word)}", "format");
            yield return new(HttpMethod.Get, $"/archive/partitions?dataset={E(word)}", "dataset");
            yield return new(HttpMethod.Get, $"/alerts?active={E(word)}", "active");
            yield return new(HttpMethod.Post, "/features/rebuild", "feature_set", Json(new { symbols = new[] { "SPY" }, feature_set = word }));
            yield return new(HttpMethod.Get, $"/logs?level={E(word)}", "level");
            // (A word of letters and digits is a valid agent name that matches nothing.)
            if (!word.All(char.IsAsciiLetterOrDigit)) yield return new(HttpMethod.Get, $"/logs?agent={E(word)}", "agent");
        }
        foreach (var level in new[] { "None", "6", "-1", "Warn", "warning,error" })
            yield return new(HttpMethod.Get, $"/logs?level={E(level)}", "level");
        foreach (var text in new[] { new string('x', 201), "a\u0000b", "bell\u0007", "line\nbreak", string.Concat(Enumerable.Repeat("💥", 150)) })
            yield return new(HttpMethod.Get, $"/logs?q={E(Regex.Unescape(text))}", "q");
        yield return new(HttpMethod.Get, "/logs?since=2024-03-05&until=2024-03-04", "since");
        yield return new(HttpMethod.Get, "/logs?since=2024-03-04T14:30:00Z&until=2024-03-04T14:29:59Z", "since");
        yield return new(HttpMethod.Get, "/trades/SPY?start=2024-03-05&end=2024-03-04", "start");
        yield return new(HttpMethod.Get, "/quotes/SPY?start=2024-03-04T14:30:00.000000002Z&end=2024-03-04T14:30:00.000000001Z", "start");
        yield return new(HttpMethod.Get, "/corporate-actions/SPY?start=2024-03-05&end=2024-03-04", "start");
        // More than nine fraction digits, or a time on a date-only parameter.
        yield return new(HttpMethod.Get, "/trades/SPY?start=2024-03-04T14:30:00.1234567891Z", "start");
        yield return new(HttpMethod.Get, "/quotes/SPY?end=2024-03-04T14:30:00.000000000000000000001Z", "end");
        yield return new(HttpMethod.Get, "/corporate-actions/SPY?end=2024-03-04T14:30:00Z", "end");
        yield return new(HttpMethod.Get, "/trades/SPY?start=2024-03-04&format=csv&page_token=abc", "page_token");
        foreach (var token in new[] { "abc", "A", new string('A', 200), "djE6MTIzNDU2Nzg5", "%FF%FE", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "'--" })
        {
            yield return new(HttpMethod.Get, $"/bars/SPY?start=2024-03-04&page_token={E(token)}", "page_token");
            yield return new(HttpMethod.Get, $"/bars?symbols=SPY,QQQ&start=2024-03-04&page_token={E(token)}", "page_token");
            yield return new(HttpMethod.Get, $"/logs?agent=gateway&page_token={E(token)}", "page_token");
            yield return new(HttpMethod.Get, $"/trades/SPY?page_token={E(token)}", "page_token");
            yield return new(HttpMethod.Get, $"/trades/SPY?sort=desc&page_token={E(token)}", "page_token");
            yield return new(HttpMethod.Get, $"/quotes/SPY?start=2024-03-04&page_token={E(token)}", "page_token");
            yield return new(HttpMethod.Get, $"/bars/SPY?start=2024-03-04&adjustment=all&page_token={E(token)}", "page_token");
        }
        foreach (var body in new[]
        {
            "", "{", "[]", "null", "42", "\"SPY\"", """{"symbols": {"SPY": 1}}""", """{"symbols": [1, 2]}""", """{"symbols": [["SPY"]]}""",
            """{"symbols": ["SPY"], "start": 20240101}""", """{"symbols": ["SPY"], "start": ["2024-01-01"]}""", """{"symbols": ["SPY"], "feed": null, "end": {}}""",
            "{\"symbols\": [\"SPY\"]" + new string(' ', 10) + "]", "\uFEFF{\"symbols\": \"x\"}", """{"symbols": ["SPY"], "start": "2024-01-01", "end": "2023-01-01"}""",
            "{\"symbols\": [" + string.Join(',', Enumerable.Range(0, 1001).Select(i => $"\"S{i}\"")) + "]}",
        })
        {
            yield return new(HttpMethod.Post, "/jobs", null, BadBody.Text(body));
            yield return new(HttpMethod.Post, "/corporate-actions/refresh", null, BadBody.Text(body));
        }
        // data names the datasets: none at all, a null among them, or not a list is refused too.
        yield return new(HttpMethod.Post, "/jobs", "data", Json(new { symbols = new[] { "SPY" }, data = Array.Empty<string>() }));
        yield return new(HttpMethod.Post, "/jobs", "data", Json(new { symbols = new[] { "SPY" }, data = new[] { "trades", null } }));
        yield return new(HttpMethod.Post, "/jobs", "data", Json(new { symbols = new[] { "SPY" }, data = new[] { "ticks" } }));
        yield return new(HttpMethod.Post, "/jobs", null, BadBody.Text("""{"symbols": ["SPY"], "data": "trades"}"""));
        yield return new(HttpMethod.Post, "/corporate-actions/refresh", "start", Json(new { symbols = new[] { "SPY" }, start = "2024-02-01", end = "2024-01-01" }));
        foreach (var sql in RefusedSql) yield return new(HttpMethod.Post, "/archive/sql", "sql", Json(new { sql }));
        foreach (var sql in ReadOnlySql) yield return new(HttpMethod.Post, "/archive/sql", null, Json(new { sql, max_rows = 50 }), Tolerated: true);
        foreach (var body in new[] { "", "{", "[]", "null", "42", """{"sql": 1}""", """{"sql": ["SELECT 1"]}""", """{"sql": "SELECT 1", "max_rows": -5}""", """{"sql": "SELECT 1", "format": "xml"}""" })
        {
            yield return new(HttpMethod.Post, "/archive/sql", null, BadBody.Text(body));
            yield return new(HttpMethod.Post, "/features/rebuild", null, BadBody.Text(body));
        }
        yield return new(HttpMethod.Post, "/features/rebuild", "start", Json(new { symbols = new[] { "SPY" }, start = "2200-01-01" }));
        yield return new(HttpMethod.Post, "/jobs", null, BadBody.Text("{}", "text/plain"));
        yield return new(HttpMethod.Post, "/jobs", null, new BadBody(new byte[2 * 1024 * 1024], "application/json"));
        foreach (var (method, url) in new[]
        {
            (HttpMethod.Put, "/bars/SPY"), (HttpMethod.Patch, "/jobs"), (HttpMethod.Delete, "/bars/SPY"), (HttpMethod.Put, "/symbols"),
            (HttpMethod.Post, "/coverage/SPY"), (HttpMethod.Delete, "/jobs"), (HttpMethod.Get, "/ingest/SPY"), (HttpMethod.Post, "/events"),
            (HttpMethod.Get, "/nowhere"), (HttpMethod.Get, "/jobs/not-a-guid"), (HttpMethod.Delete, $"/jobs/{Guid.NewGuid()}"),
            (HttpMethod.Post, $"/jobs/{Guid.NewGuid()}/retry"), (HttpMethod.Get, $"/jobs/{Guid.NewGuid()}"), (HttpMethod.Get, "/symbols/ZZZZ"),
            (HttpMethod.Get, "/archive/sql"), (HttpMethod.Delete, "/archive/partitions"), (HttpMethod.Get, "/features/rebuild/x"), (HttpMethod.Get, "/archive/verify"),
            (HttpMethod.Post, "/logs"), (HttpMethod.Delete, "/logs"), (HttpMethod.Get, "/logs/1"),
            (HttpMethod.Post, "/trades/SPY"), (HttpMethod.Delete, "/quotes/SPY"), (HttpMethod.Put, "/corporate-actions/SPY"), (HttpMethod.Get, "/trades"),
            (HttpMethod.Get, "/quotes"), (HttpMethod.Get, "/corporate-actions"), (HttpMethod.Get, "/trades/SPY/1"),
        })
        {
            yield return new(method, url, null);
        }
        // Agents are named, not parsed: any other name is a 404 problem and nothing is paused.
        foreach (var agent in BadSymbols.Where(name => !name.Contains('\0', StringComparison.Ordinal)).Concat(["INGESTION", "gateway", "marketsim", "ingestion ", "ingestion%2Fpause"]))
        {
            yield return new(HttpMethod.Post, $"/agents/{E(agent)}/pause", null);
            yield return new(HttpMethod.Post, $"/agents/{E(agent)}/resume", null);
        }
        foreach (var (method, url) in new[]
        {
            (HttpMethod.Get, "/agents/ingestion/pause"), (HttpMethod.Delete, "/agents"), (HttpMethod.Put, "/agents/ingestion"), (HttpMethod.Post, "/alerts"),
        })
        {
            yield return new(method, url, null);
        }
        foreach (var accept in new[] { "application/xml", "image/png", "text/html", "application/json;q=0" })
        {
            yield return new(HttpMethod.Get, "/bars/SPY", null, Headers: r => r.Headers.TryAddWithoutValidation("Accept", accept));
            yield return new(HttpMethod.Get, "/trades/SPY", null, Headers: r => r.Headers.TryAddWithoutValidation("Accept", accept));
            yield return new(HttpMethod.Get, "/quotes/SPY?start=2024-03-04", null, Headers: r => r.Headers.TryAddWithoutValidation("Accept", accept));
        }
        foreach (var lastId in new[] { "abc", "-1", "1e5", "99999999999999999999999", "' OR 1=1" })
            yield return new(HttpMethod.Get, "/events", "Last-Event-ID", Headers: r => r.Headers.TryAddWithoutValidation("Last-Event-ID", lastId));
        foreach (var key in new[] { "", "wrong", new string('k', 5000), "bad-input-key\u0000", "' OR 1=1 --" })
        {
            yield return new(HttpMethod.Post, "/ingest/SPY", null, Headers: r =>
            {
                r.Headers.Remove("X-Api-Key");
                r.Headers.TryAddWithoutValidation("X-Api-Key", key);
            });
        }
        foreach (var request in MoreCases()) yield return request;
    }

    private static BadBody Json(object body) => BadBody.Json(body);
}
