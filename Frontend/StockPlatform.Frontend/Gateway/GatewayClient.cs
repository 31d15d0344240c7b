using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace StockPlatform.Frontend.Gateway;

/// <summary>
/// The dashboard's only way to the data: the gateway's REST API, found by service discovery
/// (<c>https+http://gateway</c>) behind the standard resilience handler. Changes carry the API key
/// from this server's configuration; it never reaches the browser.
/// </summary>
public sealed class GatewayClient(HttpClient http, IOptions<GatewayClientOptions> options)
{
    /// <summary>The gateway's JSON: snake_case, like Alpaca's.</summary>
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new NanoTimeJsonConverter() },
    };

    public Task<VersionInfo> GetVersionAsync(CancellationToken cancellationToken = default) => GetAsync<VersionInfo>("/version", cancellationToken);

    public Task<JobList> ListJobsAsync(int limit = 20, CancellationToken cancellationToken = default) =>
        GetAsync<JobList>($"/jobs?limit={limit}", cancellationToken);

    public Task<Job> GetJobAsync(Guid id, CancellationToken cancellationToken = default) => GetAsync<Job>($"/jobs/{id}", cancellationToken);

    public Task<JobWindows> GetWindowsAsync(Guid id, CancellationToken cancellationToken = default) => GetAsync<JobWindows>($"/jobs/{id}/windows", cancellationToken);

    public Task<SymbolList> ListSymbolsAsync(CancellationToken cancellationToken = default) => GetAsync<SymbolList>("/symbols", cancellationToken);

    /// <summary>One symbol's coverage, or null when nothing of it is stored, tracked or asked for.</summary>
    public async Task<SymbolInfo?> GetSymbolAsync(string symbol, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"/symbols/{Uri.EscapeDataString(symbol)}", cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadAsync<SymbolInfo>(response, cancellationToken);
    }

    /// <summary>
    /// Has the live stream keep <paramref name="symbol"/> current (its missed minutes of today are
    /// backfilled), streaming its <paramref name="trades"/> and <paramref name="quotes"/> too when
    /// asked. The flags always go in the body, so a second call changes them on a tracked symbol.
    /// </summary>
    public Task<Tracking> TrackAsync(string symbol, bool trades = false, bool quotes = false, CancellationToken cancellationToken = default) =>
        SendAsync<Tracking>(HttpMethod.Put, $"/symbols/{Uri.EscapeDataString(symbol)}/tracking", JsonContent.Create(new { trades, quotes }), cancellationToken);

    /// <summary>
    /// Stops streaming <paramref name="symbol"/>. The gateway's 404 (nobody tracks it: another tab
    /// stopped it first) is the state that was asked for, so it answers as not tracked.
    /// </summary>
    public async Task<Tracking> UntrackAsync(string symbol, CancellationToken cancellationToken = default)
    {
        using var response = await SendRawAsync(HttpMethod.Delete, $"/symbols/{Uri.EscapeDataString(symbol)}/tracking", null, cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? new Tracking(symbol, false, null) : await ReadAsync<Tracking>(response, cancellationToken);
    }

    public Task<Coverage> GetCoverageAsync(string symbol, DateOnly start, DateOnly end, CancellationToken cancellationToken = default) =>
        GetAsync<Coverage>(string.Create(CultureInfo.InvariantCulture, $"/coverage/{Uri.EscapeDataString(symbol)}?start={start:yyyy-MM-dd}&end={end:yyyy-MM-dd}"), cancellationToken);

    /// <summary>
    /// The latest <paramref name="count"/> bars (at most 10,000) before <paramref name="before"/>, or
    /// the latest of all; oldest first, their prices adjusted as <paramref name="adjustment"/> says
    /// (<c>raw</c>, <c>split</c>, <c>dividend</c> or <c>all</c>).
    /// </summary>
    public async Task<IReadOnlyList<Bar>> GetLatestBarsAsync(
        string symbol, string interval, string session, DateTimeOffset? before, int count, string adjustment = "raw", CancellationToken cancellationToken = default)
    {
        var query = string.Create(CultureInfo.InvariantCulture,
            $"/bars/{Uri.EscapeDataString(symbol)}?interval={interval}&session={session}&limit={Math.Clamp(count, 1, 10_000)}&adjustment={Uri.EscapeDataString(adjustment)}");
        if (before is { } end) query += $"&end={Uri.EscapeDataString(end.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))}";
        return (await GetAsync<BarPage>(query, cancellationToken)).Bars;
    }

    /// <summary>
    /// Queues a backfill of <paramref name="symbols"/>: the datasets in <paramref name="data"/>
    /// (<c>bars</c>, <c>trades</c>, <c>quotes</c>; bars alone when null). Field errors come back as
    /// a <see cref="GatewayProblemException"/>.
    /// </summary>
    public Task<Job> StartJobAsync(
        IReadOnlyList<string> symbols, DateOnly start, DateOnly end, string feed, IReadOnlyList<string>? data = null, CancellationToken cancellationToken = default) =>
        SendAsync<Job>(HttpMethod.Post, "/jobs", JsonContent.Create(new
        {
            symbols,
            start = start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            end = end.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            feed,
            data = data ?? ["bars"],
        }), cancellationToken);

    /// <summary>The latest <paramref name="limit"/> trades of <paramref name="symbol"/> (at most 10,000), newest first.</summary>
    public Task<TradePage> GetTradesAsync(string symbol, int limit = 50, CancellationToken cancellationToken = default) =>
        GetAsync<TradePage>(LatestTicks("trades", symbol, limit), cancellationToken);

    /// <summary>The latest <paramref name="limit"/> quotes of <paramref name="symbol"/> (at most 10,000), newest first.</summary>
    public Task<QuotePage> GetQuotesAsync(string symbol, int limit = 50, CancellationToken cancellationToken = default) =>
        GetAsync<QuotePage>(LatestTicks("quotes", symbol, limit), cancellationToken);

    /// <summary>The splits and cash dividends stored for <paramref name="symbol"/> with an ex-date in the range (both ends optional), and when they were last refreshed.</summary>
    public Task<CorporateActionList> GetCorporateActionsAsync(
        string symbol, DateOnly? start = null, DateOnly? end = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>(2);
        if (start is { } s) query.Add("start=" + s.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (end is { } e) query.Add("end=" + e.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        var path = $"/corporate-actions/{Uri.EscapeDataString(symbol)}";
        return GetAsync<CorporateActionList>(query.Count == 0 ? path : path + "?" + string.Join('&', query), cancellationToken);
    }

    /// <summary>
    /// Queues a refresh of the corporate actions of <paramref name="symbols"/> with an ex-date from
    /// <paramref name="start"/> to <paramref name="end"/> (null: up to what is announced); the
    /// answer is the job (kind <c>corporate-actions</c>).
    /// </summary>
    public Task<Job> RefreshCorporateActionsAsync(
        IReadOnlyList<string> symbols, DateOnly start, DateOnly? end = null, CancellationToken cancellationToken = default) =>
        SendAsync<Job>(HttpMethod.Post, "/corporate-actions/refresh", JsonContent.Create(new
        {
            symbols,
            start = start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            end = end?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        }), cancellationToken);

    // Without start and end the gateway answers the latest rows; sort=desc puts the newest first.
    private static string LatestTicks(string dataset, string symbol, int limit) =>
        string.Create(CultureInfo.InvariantCulture, $"/{dataset}/{Uri.EscapeDataString(symbol)}?limit={Math.Clamp(limit, 1, 10_000)}&sort=desc");

    public Task<Job> CancelJobAsync(Guid id, CancellationToken cancellationToken = default) => SendAsync<Job>(HttpMethod.Delete, $"/jobs/{id}", null, cancellationToken);

    public Task<Job> RetryJobAsync(Guid id, CancellationToken cancellationToken = default) => SendAsync<Job>(HttpMethod.Post, $"/jobs/{id}/retry", null, cancellationToken);

    /// <summary>The archived partitions of one dataset (<c>bars</c> or <c>features</c>), of one symbol or of all, with totals.</summary>
    public Task<ArchivePartitionList> ListArchivePartitionsAsync(string? symbol, string dataset = "bars", CancellationToken cancellationToken = default) =>
        GetAsync<ArchivePartitionList>(symbol is null
            ? $"/archive/partitions?dataset={Uri.EscapeDataString(dataset)}"
            : $"/archive/partitions?symbol={Uri.EscapeDataString(symbol)}&dataset={Uri.EscapeDataString(dataset)}", cancellationToken);

    /// <summary>A symbol's archived partitions checked row by row against the hot store.</summary>
    public Task<ArchiveVerification> VerifyArchiveAsync(string symbol, CancellationToken cancellationToken = default) =>
        GetAsync<ArchiveVerification>($"/archive/verify?symbol={Uri.EscapeDataString(symbol)}", cancellationToken);

    /// <summary>
    /// Runs one read-only query over the archive. A refusal (not read-only, a permission error, the
    /// time limit) is a <see cref="GatewayProblemException"/> whose <c>sql</c> error holds the reason.
    /// </summary>
    public Task<SqlResult> RunArchiveSqlAsync(string sql, int? maxRows = null, CancellationToken cancellationToken = default) =>
        SendAsync<SqlResult>(HttpMethod.Post, "/archive/sql", SqlBody(sql, "json", maxRows), cancellationToken);

    /// <summary>The same query's answer as CSV (RFC 4180, a header line first), for a download.</summary>
    public async Task<byte[]> GetArchiveSqlCsvAsync(string sql, int? maxRows = null, CancellationToken cancellationToken = default)
    {
        using var response = await SendRawAsync(HttpMethod.Post, "/archive/sql", SqlBody(sql, "csv", maxRows), cancellationToken);
        if (!response.IsSuccessStatusCode) throw await GatewayProblemException.FromAsync(response, cancellationToken);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    /// <summary>Every feature set version, newest build first.</summary>
    public Task<FeatureSetList> ListFeatureSetsAsync(CancellationToken cancellationToken = default) => GetAsync<FeatureSetList>("/features", cancellationToken);

    /// <summary>
    /// A symbol's features from <paramref name="start"/> on (oldest first, at most <paramref name="limit"/>);
    /// <paramref name="version"/> null is the set's newest version.
    /// </summary>
    public async Task<FeaturePage> GetFeaturesAsync(
        string symbol, string featureSet, int? version, string interval, DateTimeOffset? start, int limit, bool latest = false, CancellationToken cancellationToken = default)
    {
        var query = string.Create(CultureInfo.InvariantCulture,
            $"/features/{Uri.EscapeDataString(symbol)}?feature_set={Uri.EscapeDataString(featureSet)}&interval={Uri.EscapeDataString(interval)}&limit={Math.Clamp(limit, 1, 10_000)}");
        if (latest) query += "&latest=true";
        if (version is { } v) query += string.Create(CultureInfo.InvariantCulture, $"&version={v}");
        if (start is { } from) query += $"&start={Uri.EscapeDataString(from.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))}";
        var page = await GetAsync<FeaturePageJson>(query, cancellationToken);
        return new FeaturePage(page.Symbol, page.FeatureSet, page.Version, page.Interval, page.Columns,
            [.. page.Rows.Select(row => ToFeatureRow(row, page.Columns))], page.NextStart);
    }

    /// <summary>Queues a recomputation of a feature set version for <paramref name="symbols"/> (from <paramref name="start"/>, else everything stored).</summary>
    public Task<Job> RebuildFeaturesAsync(
        IReadOnlyList<string> symbols, string featureSet, int version, DateOnly? start = null, CancellationToken cancellationToken = default) =>
        SendAsync<Job>(HttpMethod.Post, "/features/rebuild", JsonContent.Create(new
        {
            symbols,
            feature_set = featureSet,
            version,
            start = start?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        }), cancellationToken);

    /// <summary>Every agent instance from its latest heartbeat, and which agents are told to pause.</summary>
    public Task<AgentList> GetAgentsAsync(CancellationToken cancellationToken = default) => GetAsync<AgentList>("/agents", cancellationToken);

    /// <summary>Tells every instance of <paramref name="agent"/> to pause; an unknown agent is a <see cref="GatewayProblemException"/> (404).</summary>
    public Task<AgentControl> PauseAgentAsync(string agent, CancellationToken cancellationToken = default) =>
        SendAsync<AgentControl>(HttpMethod.Post, $"/agents/{Uri.EscapeDataString(agent)}/pause", null, cancellationToken);

    /// <summary>Lets every instance of <paramref name="agent"/> take work again.</summary>
    public Task<AgentControl> ResumeAgentAsync(string agent, CancellationToken cancellationToken = default) =>
        SendAsync<AgentControl>(HttpMethod.Post, $"/agents/{Uri.EscapeDataString(agent)}/resume", null, cancellationToken);

    /// <summary>The active alerts, or (<paramref name="active"/> false) the recent ones, cleared or not.</summary>
    public Task<AlertList> ListAlertsAsync(bool active, int limit = 100, CancellationToken cancellationToken = default) =>
        GetAsync<AlertList>(string.Create(CultureInfo.InvariantCulture, $"/alerts?active={(active ? "true" : "false")}&limit={limit}"), cancellationToken);

    /// <summary>A page of log lines, newest first.</summary>
    public Task<LogPage> GetLogsAsync(LogQuery query, CancellationToken cancellationToken = default) => GetAsync<LogPage>(query.PathAndQuery, cancellationToken);

    private static JsonContent SqlBody(string sql, string format, int? maxRows) => JsonContent.Create(new { sql, format, max_rows = maxRows });

    /// <summary>Rows arrive as objects keyed by column (values null during warm-up); the timestamp is its own key.</summary>
    private static FeatureRow ToFeatureRow(Dictionary<string, JsonElement> row, IReadOnlyList<string> columns) =>
        new(row["timestamp"].GetDateTime().ToUniversalTime(),
            columns.ToDictionary(c => c, c => row.TryGetValue(c, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : (double?)null));

    private sealed record FeaturePageJson(
        string Symbol, string FeatureSet, int Version, string Interval, IReadOnlyList<string> Columns, IReadOnlyList<Dictionary<string, JsonElement>> Rows, DateTime? NextStart);

    private async Task<T> GetAsync<T>(string url, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(url, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string url, HttpContent? body, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(method, url, body, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string url, HttpContent? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body };
        if (options.Value.ApiKey is { Length: > 0 } key) request.Headers.Add("X-Api-Key", key);
        return await http.SendAsync(request, cancellationToken);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode) throw await GatewayProblemException.FromAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
            ?? throw new GatewayProblemException(response.StatusCode, "The gateway sent an empty answer.", null, new Dictionary<string, string[]>());
    }
}

/// <summary>Where the dashboard finds the gateway's key (<c>GATEWAY_API_KEY</c>, as the AppHost passes it).</summary>
public sealed class GatewayClientOptions
{
    public string? ApiKey { get; set; }
}

/// <summary>A gateway answer that is not a success: its problem details, with the fields it names.</summary>
public sealed class GatewayProblemException(HttpStatusCode status, string title, string? detail, IReadOnlyDictionary<string, string[]> errors)
    : Exception(detail is null ? title : $"{title}: {detail}")
{
    public HttpStatusCode Status { get; } = status;

    public string Title { get; } = title;

    public string? Detail { get; } = detail;

    /// <summary>Field name to the rules it broke (validation problems).</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    internal static async Task<GatewayProblemException> FromAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        string title = $"The gateway answered {(int)response.StatusCode} {response.ReasonPhrase}";
        string? detail = null;
        try
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            if (json.RootElement.TryGetProperty("title", out var t) && t.GetString() is { } text) title = text;
            if (json.RootElement.TryGetProperty("detail", out var d)) detail = d.GetString();
            if (json.RootElement.TryGetProperty("errors", out var fields) && fields.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in fields.EnumerateObject())
                    errors[field.Name] = [.. field.Value.EnumerateArray().Select(e => e.GetString() ?? string.Empty)];
            }
        }
        catch (JsonException)
        {
            // Not problem details (a proxy's page): the status line says enough.
        }
        return new GatewayProblemException(response.StatusCode, title, detail, errors);
    }
}
