namespace StockPlatform.IntegrationTests.Gateway.BadInput;

/// <summary>The table's second half: the archive's SQL box under attack, the tracking routes, bodies, content types, headers, methods and the routes that take no input.</summary>
internal static partial class BadInputCatalog
{
    /// <summary>
    /// Statements the SQL box must refuse (400 naming <c>sql</c>): anything but one read-only query,
    /// files outside the archive, the network, extensions, settings, statements hidden behind
    /// comments or a second statement, a query too long or running too long.
    /// </summary>
    internal static readonly string[] RefusedSql =
    [
        "DROP TABLE bars_1m", "DROP VIEW bars", "COPY (SELECT 1) TO '/tmp/x'", "COPY bars TO '/tmp/bad-input.csv'", "ATTACH 'x.db'", "ATTACH ':memory:' AS m",
        "DETACH stockplatform", "INSTALL httpfs", "LOAD httpfs", "LOAD '/tmp/x.duckdb_extension'", "FORCE INSTALL httpfs FROM core_nightly", "SET threads = 1",
        "SET enable_external_access = true", "RESET lock_configuration", "SET lock_configuration = false", "SET allowed_directories = ['/']", "PRAGMA version",
        "PRAGMA enable_profiling", "CALL pragma_version()", "EXPORT DATABASE '/tmp/bad-input-export'", "IMPORT DATABASE '/tmp/bad-input-export'",
        "CREATE TABLE t AS SELECT 1", "CREATE VIEW v AS SELECT 1", "CREATE MACRO m() AS 1", "CREATE SECRET s (TYPE s3, KEY_ID 'x', SECRET 'y')",
        "INSERT INTO bars SELECT * FROM bars", "UPDATE bars SET close = 0", "DELETE FROM bars", "CHECKPOINT", "VACUUM", "USE memory", "BEGIN TRANSACTION",
        "EXPLAIN SELECT 1", "EXPLAIN ANALYZE SELECT 1", "'; DROP TABLE jobs; --", "SELECT 1; SELECT 2", "SELECT 1; DROP TABLE bars_1m", "SELECT 1 /* ; */ ; ATTACH 'x.db'",
        "SELECT 1 -- hidden\n; COPY bars TO '/tmp/bad-input.csv'", "/* SELECT */ COPY bars TO '/tmp/bad-input.csv'", "WITH x AS (SELECT 1) SELECT * FROM x; INSTALL httpfs",
        "SELECT * FROM read_csv('/etc/passwd')", "SELECT * FROM read_csv_auto('/etc/passwd')", "SELECT * FROM read_text('/proc/self/environ')",
        "SELECT * FROM read_blob('/proc/self/environ')", "SELECT * FROM read_json_auto('/etc/passwd')", "SELECT * FROM '/etc/passwd'", "FROM '/proc/self/environ'",
        "SELECT * FROM read_parquet('/etc/*.parquet')", "SELECT * FROM read_parquet('/**/*.parquet')", "SELECT * FROM read_parquet('../../../../**/*.parquet')",
        "SELECT * FROM read_parquet('/proc/self/environ')", "SELECT * FROM parquet_metadata('/etc/passwd')", "SELECT * FROM parquet_schema('/proc/self/environ')",
        "SELECT * FROM sniff_csv('/etc/passwd')", "SELECT * FROM read_parquet('https://example.com/x.parquet')", "SELECT * FROM read_csv('s3://bucket/x.csv')",
        "SELECT * FROM glob('/etc/*')", "SELECT * FROM glob('/proc/self/*')", "SELECT getenv('HOME')", "SELECT getenv('ConnectionStrings__stockplatform')",
        "SELECT getenv('GATEWAY_API_KEY')", "ＳＥＬＥＣＴ 1", "💥", "SELECT 'unterminated", new string('(', 5000),
        "SELECT " + string.Join("+", Enumerable.Repeat("1", 60_000)),
        // Runs until the gateway's time limit (a few seconds here) stops it.
        "SELECT sum(hash(range)) FROM range(1000000000000)",
    ];

    /// <summary>
    /// Read-only queries the SQL box may answer (or refuse); whatever it does, no secret, file
    /// outside the archive or stack trace comes back, and nothing changes.
    /// </summary>
    internal static readonly string[] ReadOnlySql =
    [
        "SELECT 1", "sElEcT 1", "SELECT 1 -- comment", "/* comment */ SELECT 1", "SELECT " + new string('9', 400), "SELECT * FROM duckdb_settings()",
        "SELECT * FROM duckdb_secrets()", "SELECT * FROM duckdb_extensions()", "SELECT * FROM duckdb_databases()", "SELECT current_setting('allowed_directories')",
        "SELECT * FROM bars LIMIT 5", "DESCRIBE bars", "SUMMARIZE bars", "SELECT * FROM range(100000)", "SELECT repeat('x', 20000000)",
        "SELECT '💥', 'ＳＰＹ', '\u202Eevil', 'a\u0000b'", "SELECT 1\u0000; DROP TABLE bars_1m", "SELECT * FROM glob('*')", "SELECT " + new string('(', 5000) + "1" + new string(')', 5000), "SELECT * FROM read_parquet('parquet/**/*.parquet') LIMIT 1",
    ];

    private static IEnumerable<BadRequest> MoreCases()
    {
        static string E(string text) => Uri.EscapeDataString(text);
        var unknownJob = "6f1c2a4e-1b7d-4c1e-9a51-0d2c8e4b7f10";

        // Tracking: a bad symbol on either method, bad bodies, other content types.
        foreach (var symbol in BadSymbols.Where(name => !name.Contains('\0', StringComparison.Ordinal)))
        {
            yield return new(HttpMethod.Put, $"/symbols/{E(symbol)}/tracking", "symbol");
            yield return new(HttpMethod.Delete, $"/symbols/{E(symbol)}/tracking", "symbol");
            yield return new(HttpMethod.Put, $"/symbols/{E(symbol)}/tracking", "symbol", Json(new { trades = true, quotes = true }));
        }
        foreach (var body in BadJsonBodies.Concat(["\"yes\"", """{"trades": "yes"}""", """{"trades": 1}""", """{"quotes": [true]}""", """{"trades": {"on": true}}""", """{"trades": null, "quotes": 1e400}"""]))
            yield return new(HttpMethod.Put, "/symbols/SPY/tracking", "body", BadBody.Text(body));
        yield return new(HttpMethod.Delete, "/symbols/ZZZZ/tracking", null);

        // Every JSON body: broken, nested too deep, with comments or trailing commas (none allowed), in another content type or charset, or none at all.
        foreach (var route in new[] { "/jobs", "/corporate-actions/refresh", "/features/rebuild", "/archive/sql" })
        {
            foreach (var body in BadJsonBodies) yield return new(HttpMethod.Post, route, "body", BadBody.Text(body));
            foreach (var type in new[] { "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonp", "image/png" })
                yield return new(HttpMethod.Post, route, null, BadBody.Text("""{"symbols": ["SPY"], "sql": "SELECT 1"}""", type));
            yield return new(HttpMethod.Post, route, null, BadBody.Text("""{"symbols": ["SPY"], "sql": "SELECT 1"}""", contentType: null));
            yield return new(HttpMethod.Post, route, null, BadBody.Text("""{"symbols": ["SPY"], "sql": "SELECT 1"}""", "application/json; charset=klingon"));
            yield return new(HttpMethod.Post, route, null, new BadBody([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D], "application/json"));
            yield return new(HttpMethod.Post, route, null, BadBody.Text("""{"symbols": ["SPY"]}""", "application/json"), Headers: r => r.Content!.Headers.ContentEncoding.Add("gzip"));
            yield return new(HttpMethod.Post, route, null, new BadBody(new byte[2 * 1024 * 1024], "application/json"));
        }

        // Routes that take an id: unknown ids, ids that are not GUIDs.
        foreach (var id in new[] { unknownJob, "00000000-0000-0000-0000-000000000000" })
        {
            yield return new(HttpMethod.Get, $"/jobs/{id}/windows", null);
            yield return new(HttpMethod.Get, $"/jobs/{id}/windows?limit=' OR 1=1", null);
            yield return new(HttpMethod.Get, $"/jobs/{id}", null);
            yield return new(HttpMethod.Delete, $"/jobs/{id}", null);
            yield return new(HttpMethod.Post, $"/jobs/{id}/retry", null, BadBody.Text("{"));
        }
        foreach (var id in new[] { "not-a-guid", "' OR 1=1 --", "💥", new string('f', 2000), "6f1c2a4e1b7d4c1e9a510d2c8e4b7f10%" })
        {
            yield return new(HttpMethod.Get, $"/jobs/{E(id)}/windows", null);
            yield return new(HttpMethod.Post, $"/jobs/{E(id)}/retry", null);
            yield return new(HttpMethod.Delete, $"/jobs/{E(id)}", null);
        }

        // A parameter given twice is one bad value ("a,b"), never a choice between them.
        yield return new(HttpMethod.Get, "/bars/SPY?limit=1&limit=2", "limit");
        yield return new(HttpMethod.Get, "/bars/SPY?interval=1m&interval=5m", "interval");
        yield return new(HttpMethod.Post, "/ingest/SPY?start=2024-01-02&start=2024-01-03", "start");
        yield return new(HttpMethod.Get, "/trades/SPY?sort=asc&sort=desc", "sort");
        yield return new(HttpMethod.Get, "/logs?level=Error&level=Warning", "level");
        yield return new(HttpMethod.Get, "/jobs?status=queued&status=failed", "status");

        // Bad UTF-8 in a path or query arrives as replacement characters, and is refused like any other.
        foreach (var escaped in new[] { "%FF%FE", "%C0%AF", "%E2%82", "%ED%A0%80", "%F4%90%80%80" })
        {
            yield return new(HttpMethod.Get, $"/bars/SPY{escaped}", "symbol");
            yield return new(HttpMethod.Get, $"/bars/SPY?interval=5m{escaped}", "interval");
            yield return new(HttpMethod.Get, $"/logs?q=a{escaped}&since=2024-13-01", "since");
        }

        // Headers: the key sent twice, a huge Last-Event-ID, unparsable Accept, encodings nobody asked for.
        yield return new(HttpMethod.Post, "/ingest/SPY", null, Headers: r => r.Headers.TryAddWithoutValidation("X-Api-Key", Key));
        yield return new(HttpMethod.Get, "/events", "Last-Event-ID", Headers: r => r.Headers.TryAddWithoutValidation("Last-Event-ID", new string('9', 10_000)));
        yield return new(HttpMethod.Get, "/events", "Last-Event-ID", Headers: r => r.Headers.TryAddWithoutValidation("Last-Event-ID", "١٢٣"));
        foreach (var accept in new[] { "*/*;q=abc", "application/json;q=2", "text/csv;q=0, application/json;q=0", ";;;", new string('a', 5000) + "/json" })
        {
            yield return new(HttpMethod.Get, "/bars/SPY?interval=0m", null, Headers: r => r.Headers.TryAddWithoutValidation("Accept", accept));
            // (An Accept the framework's problem writer cannot honour leaves it out, so that problem has no trace id: tolerated.)
            yield return new(HttpMethod.Get, "/features/SPY?start=2024-01-01", null, Headers: r => r.Headers.TryAddWithoutValidation("Accept", accept), Tolerated: true);
        }
        foreach (var (name, value) in new[] { ("Accept-Encoding", "gzip;q=abc, br;q=-1"), ("Accept-Charset", "klingon"), ("Accept-Language", new string('x', 5000)), ("X-Forwarded-For", "' OR 1=1"), ("Origin", "https://evil.example"), ("Cookie", "a=" + new string('b', 3000)) })
            yield return new(HttpMethod.Get, "/bars/SPY?interval=1w", "interval", Headers: r => r.Headers.TryAddWithoutValidation(name, value));

        // Methods no route takes.
        foreach (var (method, url) in new[]
        {
            ("TRACE", "/bars/SPY"), ("PATCH", "/symbols/SPY/tracking"), ("POST", "/symbols/SPY/tracking"), ("PROPFIND", "/jobs"), ("PUT", "/archive/sql"),
            ("DELETE", "/events"), ("PATCH", "/agents/ingestion/pause"), ("PUT", $"/jobs/{unknownJob}/windows"), ("POST", "/version"), ("DELETE", "/features"),
            ("POST", "/openapi/v1.json"), ("PUT", "/logs"), ("PATCH", "/corporate-actions/refresh"), ("GET", "/features/rebuild"),
        })
        {
            yield return new(new HttpMethod(method), url, null);
        }

        // Routes that take no input ignore junk: any answer but a 5xx, nothing leaked, nothing changed.
        foreach (var url in new[] { "/version", "/features", "/agents", "/health", "/alive", "/openapi/v1.json", "/docs", "/docs/scalar.js", "/docs/scalar.aspnetcore.js", "/docs/favicon.svg", "/symbols" })
        {
            yield return new(HttpMethod.Get, $"{url}?x=' OR 1=1 --&{E("💥")}={new string('y', 2000)}", null, Tolerated: true);
            yield return new(HttpMethod.Get, url, null, Tolerated: true, Keyless: true, Headers: r => r.Headers.TryAddWithoutValidation("X-Api-Key", "' OR 1=1 --"));
        }
        // Only the document there is: any other name is the API's own 404 problem.
        foreach (var url in new[] { "/openapi/v2.json", "/openapi/v1.json.json", "/openapi/..%2F..%2Fetc%2Fpasswd.json", "/openapi/' OR 1=1.json" })
            yield return new(HttpMethod.Get, url, null);
        // (The reference page's own files: Scalar answers unknown ones itself, tolerated.)
        foreach (var url in new[] { "/docs/..%2F..%2Fetc%2Fpasswd", "/docs/" + new string('x', 3000) })
            yield return new(HttpMethod.Get, url, null, Tolerated: true);
    }

    /// <summary>JSON bodies no endpoint takes: broken, nested too deep, with comments or trailing commas, numbers out of range.</summary>
    private static readonly string[] BadJsonBodies =
    [
        "{", "}", "[", "{\"symbols\": [\"SPY\"],}", "{/* c */\"symbols\": [\"SPY\"]}", "{\"symbols\": [\"SPY\"]} trailing", "{'symbols': ['SPY']}",
        new string('[', 10_000) + new string(']', 10_000), "{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 201),
        "{\"symbols\": 1e400, \"sql\": 1e400, \"trades\": 1e400}", "{\"symbols\": \"" + new string('x', 100_000) + "\", \"sql\": 5, \"trades\": 5}",
        "\u0000{}", "{\"symbols\": [\"SPY\"]\u0000}",
    ];
}
