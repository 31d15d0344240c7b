using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using StockPlatform.MarketData.Alpaca.Errors;
using StockPlatform.MarketData.Alpaca.Throttling;
using StockPlatform.MarketData.Alpaca.Wire;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.ServiceDefaults.Telemetry;

namespace StockPlatform.MarketData.Alpaca.Rest;

/// <summary>
/// Alpaca's REST API: historical bars, trades and quotes (every page), the trading calendar and corporate actions.
/// Each request draws from the key's shared <see cref="RateBudget"/>; 429, 5xx and network
/// errors are retried (a 429 waits for the window's reset, the rest back off exponentially with
/// jitter); 400, 401, 403 and 422 become typed <see cref="AlpacaException"/>s at once.
/// </summary>
public sealed partial class AlpacaRestClient
{
    /// <summary>Name of the HttpClient used (registered by <c>AddAlpacaMarketData</c>).</summary>
    public const string HttpClientName = "alpaca";

    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";
    private const int CorporateActionsPageSize = 1000;

    private readonly HttpClient _http;
    private readonly AlpacaOptions _options;
    private readonly RateBudget _budget;
    private readonly ResiliencePipeline<HttpResponseMessage> _retry;
    private readonly ILogger<AlpacaRestClient> _logger;
    private readonly Uri _dataUrl;
    private readonly Uri _tradingUrl;

    /// <summary>Creates the client; the HttpClient should decompress gzip and carry no retry handler of its own.</summary>
    public AlpacaRestClient(HttpClient http, IOptions<AlpacaOptions> options, RateBudgetRegistry budgets, TimeProvider time, ILogger<AlpacaRestClient> logger)
    {
        _http = http;
        _options = options.Value;
        _logger = logger;
        _budget = budgets.For(_options.KeyId ?? string.Empty, _options.ResetMargin);
        _retry = CreateRetryPipeline(_options, time, logger);
        _dataUrl = WithTrailingSlash(_options.DataUrl);
        _tradingUrl = WithTrailingSlash(_options.TradingUrl);
    }

    /// <summary>Bars per page asked for (Alpaca's maximum, 10,000, unless configured otherwise).</summary>
    public int PageSize => _options.PageSize;

    /// <summary>Every page of a bars query, in order, as it arrives (so callers can persist and report progress per page).</summary>
    public async IAsyncEnumerable<BarPage> GetBarPagesAsync(BarsRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (request.Symbols.Count == 0) throw new ArgumentException("at least one symbol is required", nameof(request));
        if (request.End < request.Start) throw new ArgumentException($"end {request.End:O} is before start {request.Start:O}", nameof(request));

        string? token = null;
        var number = 0;
        do
        {
            var url = BarsUrl(request, token);
            var page = request.Symbols.Count == 1
                ? ReadSinglePage(await GetJsonAsync<WireSingleBarsPage>(_dataUrl, url, "bars", cancellationToken).ConfigureAwait(false), request.Symbols[0], out var next)
                : ReadMultiPage(await GetJsonAsync<WireMultiBarsPage>(_dataUrl, url, "bars", cancellationToken).ConfigureAwait(false), out next);

            // A server that hands back the token it was given would page forever.
            if (next is not null && next == token)
                throw new AlpacaRequestException($"Alpaca returned the same page token twice for {url}", null, null, null);

            token = next;
            number++;
            AlpacaTelemetry.Bars.Add(page.Count);
            LogPage(number, page.Count, token is null);
            yield return new BarPage(number, page, token is null);
        }
        while (token is not null);
    }

    /// <summary>All bars of one symbol in [start, end], every page fetched.</summary>
    public async Task<IReadOnlyList<Bar>> GetBarsAsync(Symbol symbol, BarInterval timeframe, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken = default)
    {
        var bars = new List<Bar>();
        await foreach (var page in GetBarPagesAsync(BarsRequest.For(symbol, timeframe, start, end), cancellationToken).ConfigureAwait(false))
        {
            foreach (var item in page.Bars) bars.Add(item.Bar);
        }
        return bars;
    }

    /// <summary>All bars of several symbols, every page fetched, grouped by symbol.</summary>
    public async Task<IReadOnlyDictionary<Symbol, IReadOnlyList<Bar>>> GetBarsAsync(BarsRequest request, CancellationToken cancellationToken = default)
    {
        var bySymbol = new Dictionary<Symbol, List<Bar>>();
        await foreach (var page in GetBarPagesAsync(request, cancellationToken).ConfigureAwait(false))
        {
            foreach (var item in page.Bars)
            {
                if (!bySymbol.TryGetValue(item.Symbol, out var list)) bySymbol[item.Symbol] = list = [];
                list.Add(item.Bar);
            }
        }
        return bySymbol.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<Bar>)pair.Value);
    }

    /// <summary>The trading days from <paramref name="start"/> to <paramref name="end"/> (inclusive); holidays and weekends are absent.</summary>
    public async Task<IReadOnlyList<TradingDay>> GetCalendarAsync(DateOnly start, DateOnly end, CancellationToken cancellationToken = default)
    {
        var url = $"v2/calendar?start={start:yyyy-MM-dd}&end={end:yyyy-MM-dd}";
        var days = await GetJsonAsync<List<WireCalendarDay>>(_tradingUrl, url, "calendar", cancellationToken).ConfigureAwait(false);
        return days.Select(AlpacaJson.ToTradingDay).OrderBy(day => day.Date).ToList();
    }

    /// <summary>Corporate actions for the symbols in the date range, every page fetched.</summary>
    public async Task<IReadOnlyList<CorporateAction>> GetCorporateActionsAsync(CorporateActionsRequest request, CancellationToken cancellationToken = default)
    {
        var actions = new List<CorporateAction>();
        string? token = null;
        do
        {
            var url = new StringBuilder("v1/corporate-actions?");
            if (request.Symbols.Count > 0) url.Append("symbols=").Append(Uri.EscapeDataString(string.Join(',', request.Symbols))).Append('&');
            if (request.Types.Count > 0) url.Append("types=").Append(Uri.EscapeDataString(string.Join(',', request.Types))).Append('&');
            url.Append(CultureInfo.InvariantCulture, $"start={request.Start:yyyy-MM-dd}&end={request.End:yyyy-MM-dd}&limit={CorporateActionsPageSize}");
            if (token is not null) url.Append("&page_token=").Append(Uri.EscapeDataString(token));

            var page = await GetJsonAsync<WireCorporateActionsPage>(_dataUrl, url.ToString(), "corporate-actions", cancellationToken).ConfigureAwait(false);
            foreach (var (pluralType, items) in page.CorporateActions ?? [])
            {
                foreach (var item in items ?? []) actions.Add(ToCorporateAction(pluralType, item));
            }
            if (page.NextPageToken is not null && page.NextPageToken == token)
                throw new AlpacaRequestException("Alpaca returned the same corporate-actions page token twice", null, null, null);
            token = string.IsNullOrEmpty(page.NextPageToken) ? null : page.NextPageToken;
        }
        while (token is not null);
        return actions;
    }

    private string BarsUrl(BarsRequest request, string? pageToken)
    {
        var url = new StringBuilder(96);
        if (request.Symbols.Count == 1)
            url.Append("v2/stocks/").Append(Uri.EscapeDataString(request.Symbols[0])).Append("/bars?");
        else
            url.Append("v2/stocks/bars?symbols=").Append(Uri.EscapeDataString(string.Join(',', request.Symbols))).Append('&');

        // Every page repeats the same parameters; only page_token changes (Alpaca requires it).
        url.Append("timeframe=").Append(request.Timeframe.ToAlpacaTimeframe())
            .Append("&start=").Append(Uri.EscapeDataString(request.Start.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture)))
            .Append("&end=").Append(Uri.EscapeDataString(request.End.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture)))
            .Append("&limit=").Append((request.PageSize ?? _options.PageSize).ToString(CultureInfo.InvariantCulture))
            .Append("&adjustment=").Append(Uri.EscapeDataString(request.Adjustment))
            .Append("&feed=").Append(Uri.EscapeDataString(request.Feed ?? _options.Feed))
            .Append("&sort=asc");
        if (pageToken is not null) url.Append("&page_token=").Append(Uri.EscapeDataString(pageToken));
        return url.ToString();
    }

    private static List<SymbolBar> ReadSinglePage(WireSingleBarsPage page, Symbol symbol, out string? nextToken)
    {
        nextToken = string.IsNullOrEmpty(page.NextPageToken) ? null : page.NextPageToken;
        var bars = page.Bars ?? [];
        var result = new List<SymbolBar>(bars.Count);
        foreach (var bar in bars) result.Add(new SymbolBar(symbol, AlpacaJson.ToBar(bar)));
        return result;
    }

    private static List<SymbolBar> ReadMultiPage(WireMultiBarsPage page, out string? nextToken)
    {
        nextToken = string.IsNullOrEmpty(page.NextPageToken) ? null : page.NextPageToken;
        var result = new List<SymbolBar>();
        // Alpaca sorts by symbol, then time; keep that order whatever order the JSON object has.
        foreach (var (name, bars) in (page.Bars ?? []).OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            var symbol = Symbol.Parse(name);
            foreach (var bar in bars ?? []) result.Add(new SymbolBar(symbol, AlpacaJson.ToBar(bar)));
        }
        return result;
    }

    private static CorporateAction ToCorporateAction(string pluralType, JsonElement item)
    {
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in item.EnumerateObject()) fields[property.Name] = property.Value.Clone();

        string? Text(string name) => fields.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        DateOnly? Date(string name) => Text(name) is { } s && DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

        // "cash_dividends" -> "cash_dividend"; the symbol field differs by type.
        var type = pluralType.EndsWith('s') ? pluralType[..^1] : pluralType;
        var symbol = Text("symbol") ?? Text("new_symbol") ?? Text("old_symbol") ?? Text("acquirer_symbol") ?? Text("source_symbol") ?? Text("acquiree_symbol");
        return new CorporateAction(type, Text("id") ?? string.Empty, symbol, Date("ex_date"), Date("process_date"), fields);
    }

    private async Task<T> GetJsonAsync<T>(Uri baseUrl, string relativeUrl, string endpoint, CancellationToken cancellationToken)
    {
        if (!_options.HasCredentials)
        {
            throw new AlpacaAuthenticationException(
                "Alpaca API keys are not configured: set ALPACA_KEY_ID and ALPACA_SECRET_KEY (or run without them to use MarketSim).",
                null, null, null);
        }

        var uri = new Uri(baseUrl, relativeUrl);
        using var activity = AlpacaTelemetry.Source.StartActivity("alpaca " + endpoint, ActivityKind.Client);
        activity?.SetTag("url.path", uri.AbsolutePath);
        activity?.SetTag(TelemetryTags.AlpacaEndpoint, endpoint);

        HttpResponseMessage response;
        try
        {
            response = await _retry.ExecuteAsync(
                static (state, token) => state.Client.SendOnceAsync(state.Uri, state.Endpoint, token),
                (Client: this, Uri: uri, Endpoint: endpoint),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or IOException)
        {
            activity.Fail(ex);
            throw new AlpacaUnavailableException($"Alpaca could not be reached for {endpoint} after {_options.MaxRetries} retries: {ex.Message}", inner: ex);
        }

        using (response)
        {
            activity?.SetTag("http.response.status_code", (int)response.StatusCode);
            if (!response.IsSuccessStatusCode)
            {
                var error = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
                activity?.SetStatus(ActivityStatusCode.Error, error.Message);
                throw error;
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await JsonSerializer.DeserializeAsync<T>(body, AlpacaJson.Options, cancellationToken).ConfigureAwait(false)
                    ?? throw new AlpacaRequestException($"Alpaca answered {endpoint} with an empty body", response.StatusCode, null, null);
            }
            catch (JsonException ex)
            {
                throw new AlpacaRequestException($"Alpaca's {endpoint} answer could not be read: {ex.Message}", response.StatusCode, null, null);
            }
        }
    }

    /// <summary>One attempt: take a slot from the shared budget, send, give the slot back with what the headers said.</summary>
    private async ValueTask<HttpResponseMessage> SendOnceAsync(Uri uri, string endpoint, CancellationToken cancellationToken)
    {
        var waited = await _budget.AcquireAsync(cancellationToken).ConfigureAwait(false);
        AlpacaTelemetry.ThrottleWait.Record(waited.TotalSeconds);
        if (waited > TimeSpan.FromMilliseconds(50)) LogThrottled(waited.TotalMilliseconds, _budget.Limit);

        HttpResponseMessage? response = null;
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Add("APCA-API-KEY-ID", _options.KeyId);
            request.Headers.Add("APCA-API-SECRET-KEY", _options.SecretKey);

            // The per-attempt timeout covers the HTTP exchange only, never the wait for budget.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.RequestTimeout);
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"no answer within {_options.RequestTimeout.TotalSeconds:0} s");
            }

            AlpacaTelemetry.RecordCall(endpoint, (int)response.StatusCode);
            LogCall(endpoint, (int)response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return response;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            AlpacaTelemetry.RecordFailedCall(endpoint, ex);
            throw;
        }
        finally
        {
            _budget.Release(response);
        }
    }

    private static async Task<AlpacaException> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        WireError? body = null;
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (text.Length > 0) body = JsonSerializer.Deserialize<WireError>(text, AlpacaJson.Options);
        }
        catch (JsonException)
        {
            // Not Alpaca's JSON (a proxy's HTML page, say): the status alone has to do.
        }
        return AlpacaErrors.FromResponse(response.StatusCode, body?.Code, body?.Message);
    }

    private static ResiliencePipeline<HttpResponseMessage> CreateRetryPipeline(AlpacaOptions options, TimeProvider time, ILogger logger) =>
        new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException or TimeoutException or IOException } => true,
                    { Result: { } response } => AlpacaErrors.IsRetryable(response.StatusCode),
                    _ => false,
                }),
                // A 429 needs no back-off of its own: the shared budget now holds every request until the reset.
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Result?.StatusCode == HttpStatusCode.TooManyRequests ? TimeSpan.Zero : (TimeSpan?)null),
                OnRetry = args =>
                {
                    var reason = args.Outcome.Result is { } response ? ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture) : args.Outcome.Exception?.GetType().Name ?? "unknown";
                    AlpacaTelemetry.Retries.Add(1, new KeyValuePair<string, object?>("reason", reason));
                    LogRetry(logger, args.AttemptNumber + 1, reason, args.RetryDelay.TotalMilliseconds);
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

    private static Uri WithTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    [LoggerMessage(Level = LogLevel.Information, Message = "Alpaca {Endpoint} answered {Status} in {ElapsedMs:0} ms")]
    private partial void LogCall(string endpoint, int status, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Bars page {Page}: {Count} bars, last page: {IsLast}")]
    private partial void LogPage(int page, int count, bool isLast);

    [LoggerMessage(Level = LogLevel.Information, Message = "Waited {WaitedMs:0} ms for Alpaca rate-limit budget (limit {Limit} per window)")]
    private partial void LogThrottled(double waitedMs, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retrying Alpaca request (retry {Retry}) after {Reason}, waiting {DelayMs:0} ms")]
    private static partial void LogRetry(ILogger logger, int retry, string reason, double delayMs);
}
