using System.Globalization;
using System.Text.Json.Nodes;

namespace StockPlatform.IntegrationTests.Gateway.BadInput;

/// <summary>
/// Seeded mutations of valid requests: one field made bad at a time (its 400 must name it), or
/// several at once, sometimes with a wrong method or junk headers on top (any 4xx). Valid requests
/// are templates only, never sent: every generated request has at least one bad field, so none may
/// change anything. The same seed gives the same requests.
/// </summary>
internal sealed class BadInputFuzzer(int seed)
{
    /// <summary>What a field holds, which decides what makes it bad.</summary>
    private enum Kind { Symbol, SymbolList, Date, Instant, NanoInstant, Interval, Limit, Word, Name, Token, Text, EventId, DataList, Sql }

    /// <summary>Where a field goes: the path, the query, the JSON body or a header.</summary>
    private enum Place { Route, Query, Body, Header }

    /// <summary>A field of a template: its valid value (null: left out unless made bad), the words it allows, the name its error goes under.</summary>
    private sealed record Field(string Name, Kind Kind, Place Place, string? Valid, string[]? Allowed = null, string? ErrorName = null);

    private sealed record Template(string Method, string Path, Field[] Fields);

    private static readonly Template[] Templates = BuildTemplates();

    // Fragments that make any value bad: each holds a character no symbol, date, number, interval, enum word, agent name or token has.
    private static readonly string[] Junk =
    [
        "'", "' OR 1=1 --", ";DROP TABLE bars_1m;--", "<script>alert(1)</script>", "💥", "\u202E", "%", "\"", "{{7*7}}", "${jndi:ldap://x/a}", "\\", "|id",
        "`id`", "ＳＰＹ", "\u0007", "€", "🚀🚀", "x\u00A0x", "<!--", "%00", "' UNION SELECT password FROM pg_shadow --", "../../etc/passwd", "Ä", "a\uFEFFb", "\uD83D\uDE00x",
    ];

    private readonly Random _random = new(seed);

    /// <summary>The requests, <paramref name="count"/> of them: about two in three with one bad field, the rest with several.</summary>
    public IEnumerable<BadRequest> Generate(int count)
    {
        for (var i = 0; i < count; i++) yield return _random.Next(3) < 2 ? OneBadField() : SeveralBad();
    }

    private BadRequest OneBadField()
    {
        var template = Pick(Templates);
        var field = Pick(template.Fields);
        var (value, error) = Mutate(field);
        return Build(template, template.Method, new Dictionary<Field, object?> { [field] = value }, error, noise: false);
    }

    private BadRequest SeveralBad()
    {
        var template = Pick(Templates);
        var fields = template.Fields.OrderBy(_ => _random.Next()).Take(_random.Next(1, Math.Min(4, template.Fields.Length) + 1)).ToList();
        var bad = fields.ToDictionary(field => field, field => Mutate(field).Value);
        var method = _random.Next(10) == 0 ? Pick(["PATCH", "TRACE", "DELETE", "PUT", "POST", "GET"]) : template.Method;
        // Another method may reach another route (GET /jobs lists jobs): any answer but a 5xx then, and still no change.
        return Build(template, method, bad, expectedField: null, noise: true) with { Tolerated = method != template.Method };
    }

    private BadRequest Build(Template template, string method, Dictionary<Field, object?> bad, string? expectedField, bool noise)
    {
        var path = template.Path;
        var query = new List<string>();
        var body = new JsonObject();
        var headers = new List<(string, string)>();
        foreach (var field in template.Fields)
        {
            var value = bad.TryGetValue(field, out var mutated) ? mutated : field.Valid;
            if (value is null && !bad.ContainsKey(field)) continue;
            switch (field.Place)
            {
                case Place.Route:
                    path = path.Replace("{" + field.Name + "}", Uri.EscapeDataString((string)value!), StringComparison.Ordinal);
                    break;
                case Place.Query:
                    query.Add($"{field.Name}={Uri.EscapeDataString((string)value!)}");
                    break;
                case Place.Header:
                    headers.Add((field.Name, (string)value!));
                    break;
                default:
                    body[field.Name] = value switch
                    {
                        JsonNode node => node.DeepClone(),
                        string text when field.Kind is Kind.SymbolList or Kind.DataList => new JsonArray([.. text.Split(',').Select(s => (JsonNode?)JsonValue.Create(s))]),
                        string text when field.Kind is Kind.Limit => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? JsonValue.Create(number) : JsonValue.Create(text),
                        string text => JsonValue.Create(text),
                        _ => null,
                    };
                    break;
            }
        }
        if (noise)
        {
            // Junk that changes no answer by itself: unknown parameters and headers.
            if (_random.Next(3) == 0) query.Add($"{Uri.EscapeDataString(Pick(Junk))}={Uri.EscapeDataString(Pick(Junk))}");
            if (_random.Next(3) == 0) headers.Add(("X-Junk", Pick(Junk) + new string('j', _random.Next(0, 4000))));
        }
        var url = query.Count == 0 ? path : path + "?" + string.Join('&', query);
        var hasBody = template.Fields.Any(f => f.Place == Place.Body);
        return new BadRequest(new HttpMethod(method), url, expectedField, hasBody ? BadBody.Text(body.ToJsonString()) : null,
            Headers: headers.Count == 0 ? null : request =>
            {
                foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
            });
    }

    /// <summary>A bad value for <paramref name="field"/> (a string, or for a body field sometimes JSON of the wrong type) and the name its error goes under.</summary>
    private (object? Value, string Error) Mutate(Field field)
    {
        var error = field.ErrorName ?? field.Name;
        if (field.Place == Place.Body && _random.Next(8) == 0)
        {
            // JSON of another type than the field's: the body itself is unreadable.
            JsonNode wrongType = field.Kind is Kind.SymbolList or Kind.DataList
                ? Pick<JsonNode>([JsonValue.Create(12345), JsonValue.Create(true), new JsonObject { ["x"] = 1 }, JsonValue.Create("SPY"), new JsonArray(new JsonArray(JsonValue.Create("SPY")))])
                : field.Kind is Kind.Limit
                    ? Pick<JsonNode>([JsonValue.Create("ten"), JsonValue.Create(true), new JsonArray(JsonValue.Create(1)), JsonValue.Create(1.5), JsonValue.Create(1e300)])
                    : Pick<JsonNode>([JsonValue.Create(12345), JsonValue.Create(false), new JsonObject { ["x"] = "y" }, new JsonArray(JsonValue.Create("2024-01-02"))]);
            return (wrongType, "body");
        }
        switch (field.Kind)
        {
            case Kind.SymbolList when field.Place == Place.Body:
                {
                    var symbols = new List<string> { "SPY", "QQQ", "IWM" };
                    var at = _random.Next(symbols.Count);
                    symbols[at] = BadSymbol(field.Place);
                    return (string.Join(',', symbols), $"{error}[{at}]");
                }
            case Kind.SymbolList:
                return (_random.Next(10) == 0
                    ? string.Join(',', Enumerable.Range(0, 101 + _random.Next(500)).Select(i => "S" + i.ToString(CultureInfo.InvariantCulture)))
                    : "SPY," + BadSymbol(field.Place), error);
            case Kind.DataList:
                return ((field.Place == Place.Body ? "bars," : "trades,") + Pick(["ticks", "news", "bar", "*"]) + Pick(["", Pick(Junk)]), error);
            case Kind.Sql:
                {
                    var sql = Pick(BadInputCatalog.RefusedSql.Where(s => !s.Contains("range(", StringComparison.Ordinal)).ToArray());
                    // Comments and other whitespace around a refused statement change nothing.
                    return (Pick([sql, "/* fuzz */ " + sql, sql.Replace(" ", "\n\t", StringComparison.Ordinal), sql + " -- " + Pick(Junk), "\n\n" + sql + "\n"]), error);
                }
            case Kind.Limit when field.Place == Place.Body:
                {
                    // A number the body's int cannot hold is unreadable JSON, not a bad limit.
                    var value = BadScalar(field);
                    return (value, int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? error : "body");
                }
            default:
                return (BadScalar(field), error);
        }
    }

    private string BadSymbol(Place place)
    {
        var value = _random.Next(4) switch
        {
            0 => Pick(BadInputCatalog.BadSymbols),
            1 => "SPY" + Pick(Junk),
            2 => Pick(Junk) + "QQQ",
            _ => new string('A', 13 + _random.Next(5000)),
        };
        // A NUL in a path never reaches a server (clients and Kestrel refuse it).
        return place == Place.Route ? value.Replace("\u0000", "%", StringComparison.Ordinal) : value;
    }

    private string BadScalar(Field field)
    {
        var valid = field.Valid ?? "x";
        string Spliced() => _random.Next(3) switch
        {
            0 => valid + Pick(Junk),
            1 => Pick(Junk) + valid,
            _ => valid.Insert(_random.Next(valid.Length + 1), Pick(Junk)),
        };
        return field.Kind switch
        {
            Kind.Symbol => BadSymbol(field.Place),
            Kind.Date or Kind.Instant or Kind.NanoInstant => _random.Next(6) switch
            {
                0 => Pick(BadInputCatalog.BadDates),
                1 => $"{_random.Next(2200, 10_000)}-01-02",
                2 => $"{_random.Next(1000, 1970)}-06-30",
                3 => $"2024-{_random.Next(13, 100)}-{_random.Next(32, 100)}",
                4 when field.Kind is Kind.Date => "2024-03-04T14:30:00Z",
                4 when field.Kind is Kind.NanoInstant => "2024-03-04T14:30:00." + new string('1', 10 + _random.Next(20)) + "Z",
                4 => $"2024-03-04T{_random.Next(24, 100)}:00:00Z",
                _ => Spliced(),
            },
            Kind.Interval => _random.Next(5) switch
            {
                0 => Pick(BadInputCatalog.BadIntervals),
                1 => $"{_random.Next(1440, int.MaxValue)}m",
                2 => $"{_random.Next(24, 100_000)}h",
                3 => $"{_random.Next(2, 100)}d",
                _ => Spliced(),
            },
            Kind.Limit => _random.Next(6) switch
            {
                0 => Pick(BadInputCatalog.BadLimits),
                1 => _random.Next(10_001, int.MaxValue).ToString(CultureInfo.InvariantCulture),
                2 => (-_random.Next(0, int.MaxValue)).ToString(CultureInfo.InvariantCulture),
                3 => new string('9', 11 + _random.Next(300)),
                4 => $"{_random.Next(1, 100)}.{_random.Next(1, 100)}",
                _ => Spliced(),
            },
            Kind.Word => _random.Next(3) switch
            {
                0 => RandomWord(field.Allowed!),
                1 => Pick(BadInputCatalog.BadWords.Where(w => !field.Allowed!.Contains(w, StringComparer.OrdinalIgnoreCase)).ToArray()),
                _ => Spliced(),
            },
            Kind.Token => _random.Next(3) switch
            {
                0 => RandomBase64Url(1 + _random.Next(200)),
                1 => Pick(["abc", "A", "%FF%FE", "'--", new string('A', 200)]),
                _ => RandomBase64Url(20) + Pick(Junk),
            },
            Kind.Text => _random.Next(2) == 0 ? new string('q', 201 + _random.Next(5000)) : "find" + (char)_random.Next(0, 32) + "me",
            Kind.EventId => _random.Next(4) switch
            {
                0 => "-" + _random.Next(1, int.MaxValue).ToString(CultureInfo.InvariantCulture),
                1 => new string('9', 20 + _random.Next(100)),
                2 => $"{_random.Next()}.{_random.Next()}",
                _ => _random.Next().ToString(CultureInfo.InvariantCulture) + Pick(Junk),
            },
            _ => Spliced(),
        };
    }

    private string RandomWord(string[] allowed)
    {
        while (true)
        {
            var word = new string([.. Enumerable.Range(0, 1 + _random.Next(12)).Select(_ => (char)('a' + _random.Next(26)))]);
            if (!allowed.Contains(word, StringComparer.OrdinalIgnoreCase)) return word;
        }
    }

    private string RandomBase64Url(int bytes)
    {
        var buffer = new byte[bytes];
        _random.NextBytes(buffer);
        return Convert.ToBase64String(buffer).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private static Template[] BuildTemplates()
    {
        static Field Q(string name, Kind kind, string? valid, params string[] allowed) => new(name, kind, Place.Query, valid, allowed.Length == 0 ? null : allowed);
        static Field B(string name, Kind kind, string? valid, params string[] allowed) => new(name, kind, Place.Body, valid, allowed.Length == 0 ? null : allowed);
        var symbol = new Field("symbol", Kind.Symbol, Place.Route, "SPY");
        var token = Q("page_token", Kind.Token, null);
        Field[] barParameters =
        [
            Q("interval", Kind.Interval, "5m"), Q("start", Kind.Instant, "2024-03-04"), Q("end", Kind.Instant, "2024-03-05"), Q("limit", Kind.Limit, "100"),
            Q("session", Kind.Word, "regular", "regular", "extended"), Q("anchor", Kind.Word, "clock", "clock", "session"),
            Q("adjustment", Kind.Word, "raw", "raw", "split", "dividend", "all"), Q("format", Kind.Word, "json", "json", "csv"), token,
        ];
        Field[] tickParameters =
        [
            symbol, Q("start", Kind.NanoInstant, "2024-03-04T14:30:00.000000001Z"), Q("end", Kind.NanoInstant, "2024-03-04"), Q("limit", Kind.Limit, "10"),
            Q("sort", Kind.Word, "asc", "asc", "desc"), Q("format", Kind.Word, "json", "json", "csv"), token,
        ];
        return
        [
            new("GET", "/bars/{symbol}", [symbol, .. barParameters]),
            new("GET", "/bars", [Q("symbols", Kind.SymbolList, "SPY,QQQ"), .. barParameters]),
            new("GET", "/trades/{symbol}", tickParameters),
            new("GET", "/quotes/{symbol}", tickParameters),
            new("GET", "/features/{symbol}",
            [
                symbol, Q("feature_set", Kind.Word, "core", "core"), Q("version", Kind.Limit, null), Q("interval", Kind.Interval, "1d"), Q("start", Kind.Instant, "2024-01-02"),
                Q("end", Kind.Instant, "2024-03-04"), Q("limit", Kind.Limit, "10"), Q("latest", Kind.Word, "false", "true", "false"), Q("format", Kind.Word, "json", "json", "csv"),
            ]),
            new("GET", "/corporate-actions/{symbol}", [symbol, Q("start", Kind.Date, "2024-01-02"), Q("end", Kind.Date, "2024-03-04")]),
            new("GET", "/coverage/{symbol}", [symbol, Q("start", Kind.Date, "2024-01-02"), Q("end", Kind.Date, "2024-03-04"), Q("feed", Kind.Word, "iex", "iex", "sip")]),
            new("GET", "/symbols/{symbol}", [symbol]),
            new("GET", "/symbols", [Q("tracked", Kind.Word, "true", "true", "false")]),
            new("POST", "/ingest/{symbol}",
                [symbol, Q("start", Kind.Date, "2024-01-02"), Q("end", Kind.Date, "2024-01-05"), Q("feed", Kind.Word, "iex", "iex", "sip"), Q("data", Kind.DataList, "bars")]),
            new("POST", "/jobs",
                [B("symbols", Kind.SymbolList, "SPY,QQQ"), B("start", Kind.Date, "2024-01-02"), B("end", Kind.Date, "2024-01-05"), B("feed", Kind.Word, "iex", "iex", "sip"), B("data", Kind.DataList, "bars,trades")]),
            new("POST", "/corporate-actions/refresh", [B("symbols", Kind.SymbolList, "SPY"), B("start", Kind.Date, "2024-01-02"), B("end", Kind.Date, "2024-03-04")]),
            new("POST", "/features/rebuild", [B("symbols", Kind.SymbolList, "SPY"), B("feature_set", Kind.Word, "core", "core"), B("start", Kind.Date, "2024-01-02")]),
            new("POST", "/archive/sql", [B("sql", Kind.Sql, null), B("max_rows", Kind.Limit, "10"), B("format", Kind.Word, "json", "json", "csv")]),
            new("PUT", "/symbols/{symbol}/tracking", [symbol]),
            new("DELETE", "/symbols/{symbol}/tracking", [symbol]),
            new("GET", "/jobs", [Q("status", Kind.Word, "queued", "queued", "running", "succeeded", "failed", "cancelled"), Q("symbol", Kind.Symbol, "SPY"), Q("limit", Kind.Limit, "10")]),
            new("GET", "/logs",
            [
                Q("agent", Kind.Name, "gateway"), Q("level", Kind.Word, "Warning", "Trace", "Debug", "Information", "Warning", "Error", "Critical"), Q("symbol", Kind.Symbol, "SPY"),
                Q("since", Kind.Instant, "2024-03-04"), Q("until", Kind.Instant, "2024-03-05"), Q("q", Kind.Text, "fetch"), Q("limit", Kind.Limit, "10"), token,
            ]),
            new("GET", "/alerts", [Q("active", Kind.Word, "true", "true", "false"), Q("limit", Kind.Limit, "10")]),
            new("GET", "/archive/partitions", [Q("symbol", Kind.Symbol, "SPY"), Q("dataset", Kind.Word, "bars", "bars", "features", "trades", "quotes")]),
            new("GET", "/archive/verify", [Q("symbol", Kind.Symbol, "SPY"), Q("dataset", Kind.Word, "bars", "bars", "trades", "quotes")]),
            new("GET", "/events", [Q("symbol", Kind.Symbol, "SPY"), Q("kind", Kind.Name, "job"), new Field("Last-Event-ID", Kind.EventId, Place.Header, null)]),
        ];
    }
}
