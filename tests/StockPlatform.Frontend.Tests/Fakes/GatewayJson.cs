namespace StockPlatform.Frontend.Tests.Fakes;

/// <summary>Answers in the real gateway's shapes (snake_case), for the pages under test.</summary>
internal static class GatewayJson
{
    public static readonly string[] CoreColumns =
    [
        "return_1", "log_return_1", "sma_5", "sma_20", "sma_50", "ema_12", "ema_26", "ema_50", "rsi_14", "rsi_14_avg_gain", "rsi_14_avg_loss",
        "atr_14", "volatility_20", "vwap_session", "vwap_session_pv", "vwap_session_volume", "volume_zscore_20", "range_pct",
    ];

    public static string FeatureSets => $$"""
        {"feature_sets":[{"feature_set":"core","version":1,
          "columns":[{{string.Join(",", CoreColumns.Select(c => $"\"{c}\""))}}],
          "params":{"sma":[5,20,50],"ema":[12,26,50],"rsi":14},
          "params_hash":"9f2c4be1a07d55e3c6a1f0b2d4e8a9c7",
          "intervals":["1m","5m","1d"],
          "builds":[{"id":2,"code_ref":"0.1.0+6190e07","created_at":"2026-01-05T10:00:00Z"}]}]}
        """;

    public static string Symbol(string symbol, string lastBar, bool tracked = false) => $$"""
        {"symbol":"{{symbol}}","first_bar":"2025-06-02T13:30:00Z","last_bar":"{{lastBar}}","bar_count":1200,"sessions_fetched":150,"last_ingest":null,"tracked":{{(tracked ? "true" : "false")}}}
        """;

    /// <summary>A <c>GET /coverage/{symbol}</c> answer with every session fetched (none listed).</summary>
    public static string Coverage(string symbol) => $$"""
        {"symbol":"{{symbol}}","feed":"iex","start":"2025-10-08","end":"2026-01-08","calendar":"alpaca",
         "sessions_total":0,"sessions_fetched":0,"sessions_missing":0,"missing_ranges":[],"sessions":[]}
        """;

    /// <summary>The body of <c>PUT</c> / <c>DELETE /symbols/{symbol}/tracking</c>.</summary>
    public static string Tracking(string symbol, bool tracked) => tracked
        ? $$"""{"symbol":"{{symbol}}","tracked":true,"tracked_since":"2026-01-09T15:00:00Z"}"""
        : $$"""{"symbol":"{{symbol}}","tracked":false,"tracked_since":null}""";

    /// <summary>The data of a <c>bar.new</c> or <c>bar.correction</c> event, as the gateway's BarEventsConsumer writes it.</summary>
    public static string LiveBar(string symbol, string timestamp, decimal open, decimal high, decimal low, decimal close, long volume) => $$"""
        {"symbol":"{{symbol}}","timestamp":"{{timestamp}}","open":{{Number(open)}},"high":{{Number(high)}},"low":{{Number(low)}},"close":{{Number(close)}},
         "volume":{{volume}},"trade_count":7,"vwap":{{Number(close)}},"feed":"iex"}
        """;

    /// <summary>A <c>GET /features/{symbol}</c> page whose rows are (timestamp, sma_20, rsi_14), every other column null.</summary>
    public static string Features(string symbol, string interval, params (string Timestamp, double? Sma20, double? Rsi14)[] rows) => $$"""
        {"symbol":"{{symbol}}","feature_set":"core","version":1,"interval":"{{interval}}",
         "columns":[{{string.Join(",", CoreColumns.Select(c => $"\"{c}\""))}}],
         "rows":[{{string.Join(",", rows.Select(r => "{\"timestamp\":\"" + r.Timestamp + "\"," + string.Join(",", CoreColumns.Select(c => $"\"{c}\":" + c switch
         {
             "sma_20" => Number(r.Sma20),
             "rsi_14" => Number(r.Rsi14),
             _ => "null",
         })) + "}"))}}],
         "next_start":null}
        """;

    public static string Job(Guid id, string symbol, string kind, string feed) => $$"""
        {"job_id":"{{id}}","symbol":"{{symbol}}","symbols":["{{symbol}}"],"start":"2016-01-04","end":"2026-01-09","feed":"{{feed}}","status":"queued",
         "progress":{"sessions_done":0,"sessions_total":0,"bars_inserted":0,"bars_corrected":0,"failed_windows":0},
         "error":null,"created_at":"2026-01-09T22:00:00Z","updated_at":"2026-01-09T22:00:00Z","kind":"{{kind}}"}
        """;

    /// <summary>One instance in <c>GET /agents</c>, as its latest heartbeat left it.</summary>
    public static string Agent(
        string agent, string instance, string status, string state, double ageSeconds, string? task = null, double? progress = null,
        bool paused = false, string counters = "{}") => $$"""
        {"agent":"{{agent}}","instance":"{{instance}}","version":"0.1.0+abc1234","status":"{{status}}","state":"{{state}}","paused":{{Bool(paused)}},
         "task":{{Text(task)}},"progress":{{Number(progress)}},"counters":{{counters}},
         "started_at":"2026-11-30T06:00:00Z","seen_at":"2026-11-30T06:39:58Z","age_seconds":{{Number(ageSeconds)}}}
        """;

    /// <summary>An agent's pause control.</summary>
    public static string Control(string agent, bool paused, string changedAt = "2026-11-30T06:39:00Z") =>
        $$"""{"agent":"{{agent}}","paused":{{Bool(paused)}},"changed_at":"{{changedAt}}"}""";

    /// <summary>The body of <c>GET /agents</c>.</summary>
    public static string Agents(IEnumerable<string> instances, IEnumerable<string>? controls = null) =>
        $$"""{"check_interval_seconds":5,"agents":[{{string.Join(",", instances)}}],"controls":[{{string.Join(",", controls ?? [])}}]}""";

    /// <summary>One alert, as <c>GET /alerts</c> and the alert events carry it.</summary>
    public static string Alert(
        long id, string kind, string message, string raisedAt, string? clearedAt = null, string? agent = "ingestion", string? instance = "host-1",
        Guid? jobId = null) => $$"""
        {"id":{{id}},"kind":"{{kind}}","agent":{{Text(agent)}},"instance":{{Text(instance)}},"job_id":{{Text(jobId?.ToString())}},
         "message":"{{message}}","raised_at":"{{raisedAt}}","cleared_at":{{Text(clearedAt)}}}
        """;

    /// <summary>The body of <c>GET /alerts</c>.</summary>
    public static string Alerts(params string[] alerts) => $$"""{"alerts":[{{string.Join(",", alerts)}}]}""";

    /// <summary>One log line, as <c>GET /logs</c> and the <c>log</c> event carry it.</summary>
    public static string Log(
        long id, string timestamp, string level, string message, string agent = "ingestion", string? symbol = null, string? stage = null,
        string? exception = null, string props = "{}") => $$"""
        {"id":{{id}},"timestamp":"{{timestamp}}","level":"{{level}}","agent":"{{agent}}","instance":"host-1","category":"StockPlatform.Ingestion.Backfill",
         "symbol":{{Text(symbol)}},"stage":{{Text(stage)}},"message":"{{message}}","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7",
         "exception":{{Text(exception)}},"props":{{props}}}
        """;

    /// <summary>A page of <c>GET /logs</c>.</summary>
    public static string Logs(string? nextPageToken, params string[] logs) =>
        $$"""{"logs":[{{string.Join(",", logs)}}],"next_page_token":{{Text(nextPageToken)}}}""";

    /// <summary>A <c>GET /symbols/{symbol}</c> answer of a tracked symbol that streams (or not) its trades and quotes.</summary>
    public static string TrackedSymbol(string symbol, bool trades, bool quotes) => $$"""
        {"symbol":"{{symbol}}","first_bar":"2025-06-02T13:30:00Z","last_bar":"2026-01-08T20:59:00Z","bar_count":1200,"sessions_fetched":150,"last_ingest":null,
         "tracked":true,"tracked_trades":{{Bool(trades)}},"tracked_quotes":{{Bool(quotes)}},"recent_jobs":[]}
        """;

    /// <summary>The body of <c>PUT /symbols/{symbol}/tracking</c> with the trades and quotes flags.</summary>
    public static string TrackingWith(string symbol, bool trades, bool quotes) =>
        $$"""{"symbol":"{{symbol}}","tracked":true,"tracked_since":"2026-01-09T15:00:00Z","trades":{{Bool(trades)}},"quotes":{{Bool(quotes)}}}""";

    /// <summary>One trade of <c>GET /trades/{symbol}</c>.</summary>
    public static string Trade(string timestamp, decimal price, long size, string exchange = "V", string conditions = "\"@\"", long id = 52983525029461) => $$"""
        {"timestamp":"{{timestamp}}","exchange":"{{exchange}}","price":{{Number(price)}},"size":{{size}},"conditions":[{{conditions}}],"id":{{id}},"tape":"C"}
        """;

    /// <summary>A page of <c>GET /trades/{symbol}</c>.</summary>
    public static string Trades(string symbol, params string[] trades) =>
        $$"""{"symbol":"{{symbol}}","trades":[{{string.Join(",", trades)}}],"next_page_token":null}""";

    /// <summary>One quote of <c>GET /quotes/{symbol}</c>.</summary>
    public static string Quote(string timestamp, decimal bid, long bidSize, decimal ask, long askSize, string bidExchange = "P", string askExchange = "Q") => $$"""
        {"timestamp":"{{timestamp}}","bid_exchange":"{{bidExchange}}","bid_price":{{Number(bid)}},"bid_size":{{bidSize}},
         "ask_exchange":"{{askExchange}}","ask_price":{{Number(ask)}},"ask_size":{{askSize}},"conditions":["R"],"tape":"C"}
        """;

    /// <summary>A page of <c>GET /quotes/{symbol}</c>.</summary>
    public static string Quotes(string symbol, params string[] quotes) =>
        $$"""{"symbol":"{{symbol}}","quotes":[{{string.Join(",", quotes)}}],"next_page_token":null}""";

    /// <summary>A forward (or, new 1 old 10, reverse) split of <c>GET /corporate-actions/{symbol}</c>.</summary>
    public static string Split(string exDate, decimal newRate, decimal oldRate) => $$"""
        {"id":"{{Guid.NewGuid()}}","type":"{{(newRate >= oldRate ? "forward_split" : "reverse_split")}}","ex_date":"{{exDate}}","process_date":"{{exDate}}",
         "old_rate":{{Number(oldRate)}},"new_rate":{{Number(newRate)}},"rate":null,"reference_close":null,
         "price_factor":{{Number(Math.Round(oldRate / newRate, 12))}},"volume_factor":{{Number(Math.Round(newRate / oldRate, 12))}}}
        """;

    /// <summary>A cash dividend of <c>GET /corporate-actions/{symbol}</c>.</summary>
    public static string Dividend(string exDate, decimal rate, decimal referenceClose = 100m) => $$"""
        {"id":"{{Guid.NewGuid()}}","type":"cash_dividend","ex_date":"{{exDate}}","process_date":"{{exDate}}",
         "old_rate":null,"new_rate":null,"rate":{{Number(rate)}},"reference_close":{{Number(referenceClose)}},
         "price_factor":{{Number(Math.Round(1 - rate / referenceClose, 10))}},"volume_factor":null}
        """;

    /// <summary>The body of <c>GET /corporate-actions/{symbol}</c>.</summary>
    public static string CorporateActions(string symbol, string? refreshedAt, params string[] actions) =>
        $$"""{"symbol":"{{symbol}}","refreshed_at":{{Text(refreshedAt)}},"actions":[{{string.Join(",", actions)}}]}""";

    /// <summary>A job with its datasets (<c>data</c>) and status, as <c>POST /jobs</c>, <c>POST /corporate-actions/refresh</c> and <c>GET /jobs/{id}</c> answer.</summary>
    public static string JobWith(Guid id, string symbol, string kind, string status, string data = "\"bars\"", string rowsInserted = "") => $$"""
        {"job_id":"{{id}}","symbol":"{{symbol}}","symbols":["{{symbol}}"],"start":"2025-06-02","end":"2026-01-09","feed":"iex","status":"{{status}}",
         "progress":{"sessions_done":0,"sessions_total":0,"bars_inserted":0,"bars_corrected":0,"failed_windows":0{{(rowsInserted.Length > 0 ? ",\"rows_inserted\":" + rowsInserted : "")}}},
         "error":null,"created_at":"2026-01-09T22:00:00Z","updated_at":"2026-01-09T22:00:00Z","kind":"{{kind}}","data":[{{data}}]}
        """;

    /// <summary>A backfill job of <c>GET /jobs/{id}</c> (and of cancel and retry) in a given state, with its progress and error.</summary>
    public static string JobIn(Guid id, string symbol, string status, int sessionsDone, int sessionsTotal, int failedWindows = 0, string? error = null) => $$"""
        {"job_id":"{{id}}","symbol":"{{symbol}}","symbols":["{{symbol}}"],"start":"2025-06-02","end":"2025-06-13","feed":"iex","status":"{{status}}",
         "progress":{"sessions_done":{{sessionsDone}},"sessions_total":{{sessionsTotal}},"bars_inserted":{{sessionsDone * 390}},"bars_corrected":0,
                     "failed_windows":{{failedWindows}},"rows_inserted":{"bars":{{sessionsDone * 390}} } },
         "error":{{Text(error)}},"created_at":"2026-01-09T22:00:00Z","updated_at":"2026-01-09T22:01:00Z","kind":"backfill","data":["bars"]}
        """;

    /// <summary>One window of <c>GET /jobs/{id}/windows</c>: its state, attempts and the last attempt's reason.</summary>
    public static string Window(int seq, string symbol, string start, string end, string status, int attempts, int sessionsDone,
        string? error = null, string? retryAt = null) => $$"""
        {"seq":{{seq}},"symbol":"{{symbol}}","start":"{{start}}","end":"{{end}}","status":"{{status}}","attempts":{{attempts}},"sessions_done":{{sessionsDone}},
         "bars_inserted":{{sessionsDone * 390}},"bars_corrected":0,"error":{{Text(error)}},"retry_at":{{Text(retryAt)}},"updated_at":"2026-01-09T22:01:00Z",
         "rows_inserted":{"bars":{{sessionsDone * 390}} } }
        """;

    /// <summary>The body of <c>GET /jobs/{id}/windows</c>.</summary>
    public static string Windows(Guid id, params string[] windows) => $$"""{"job_id":"{{id}}","windows":[{{string.Join(",", windows)}}]}""";

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Text(string? value) => value is null ? "null" : System.Text.Json.JsonSerializer.Serialize(value);

    private static string Number(decimal value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Number(double? value) => value is { } v ? v.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "null";
}
