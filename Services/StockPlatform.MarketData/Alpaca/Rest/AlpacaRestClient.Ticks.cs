using System.Diagnostics.Metrics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using StockPlatform.MarketData.Alpaca.Errors;
using StockPlatform.MarketData.Alpaca.Wire;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.MarketData.Alpaca.Rest;

// Historical trades and quotes: the same paging, rate budget, retries, error mapping and
// telemetry as bars; only the rows differ.
public sealed partial class AlpacaRestClient
{
    /// <summary>Every page of a trades query, in order, as it arrives (persist and report progress per page).</summary>
    public async IAsyncEnumerable<TradePage> GetTradePagesAsync(TradesRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var (number, page, next) in GetTickPagesAsync<WireTradesPage, Trade>(request, "trades", AlpacaTelemetry.Trades, cancellationToken).ConfigureAwait(false))
        {
            var rows = new List<SymbolTrade>(CountRows(page));
            foreach (var (symbol, trades) in Groups(page, request))
            {
                foreach (var trade in trades) rows.Add(new SymbolTrade(symbol, trade));
            }
            yield return new TradePage(number, rows, next is null, next);
        }
    }

    /// <summary>Every page of a quotes query, in order, as it arrives.</summary>
    public async IAsyncEnumerable<QuotePage> GetQuotePagesAsync(QuotesRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var (number, page, next) in GetTickPagesAsync<WireQuotesPage, Quote>(request, "quotes", AlpacaTelemetry.Quotes, cancellationToken).ConfigureAwait(false))
        {
            var rows = new List<SymbolQuote>(CountRows(page));
            foreach (var (symbol, quotes) in Groups(page, request))
            {
                foreach (var quote in quotes) rows.Add(new SymbolQuote(symbol, quote));
            }
            yield return new QuotePage(number, rows, next is null, next);
        }
    }

    /// <summary>All trades of the query, every page fetched, grouped by symbol (a symbol without trades is absent).</summary>
    public async Task<IReadOnlyDictionary<Symbol, IReadOnlyList<Trade>>> GetTradesAsync(TradesRequest request, CancellationToken cancellationToken = default)
    {
        var bySymbol = new Dictionary<Symbol, List<Trade>>();
        await foreach (var page in GetTradePagesAsync(request, cancellationToken).ConfigureAwait(false))
        {
            foreach (var (symbol, trade) in page.Trades)
            {
                if (!bySymbol.TryGetValue(symbol, out var list)) bySymbol[symbol] = list = [];
                list.Add(trade);
            }
        }
        return bySymbol.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<Trade>)pair.Value);
    }

    /// <summary>All quotes of the query, every page fetched, grouped by symbol (a symbol without quotes is absent).</summary>
    public async Task<IReadOnlyDictionary<Symbol, IReadOnlyList<Quote>>> GetQuotesAsync(QuotesRequest request, CancellationToken cancellationToken = default)
    {
        var bySymbol = new Dictionary<Symbol, List<Quote>>();
        await foreach (var page in GetQuotePagesAsync(request, cancellationToken).ConfigureAwait(false))
        {
            foreach (var (symbol, quote) in page.Quotes)
            {
                if (!bySymbol.TryGetValue(symbol, out var list)) bySymbol[symbol] = list = [];
                list.Add(quote);
            }
        }
        return bySymbol.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<Quote>)pair.Value);
    }

    private async IAsyncEnumerable<(int Number, TPage Page, string? Next)> GetTickPagesAsync<TPage, TRow>(
        TickRequest request, string endpoint, Counter<long> rowCounter, [EnumeratorCancellation] CancellationToken cancellationToken)
        where TPage : WireTickPage<TRow>
    {
        if (request.Symbols.Count == 0) throw new ArgumentException("at least one symbol is required", nameof(request));
        if (request.End < request.Start) throw new ArgumentException($"end {request.End} is before start {request.Start}", nameof(request));
        var pageSize = request.PageSize ?? _options.PageSize;
        if (pageSize is < 1 or > TickRequest.MaxPageSize)
            throw new ArgumentOutOfRangeException(nameof(request), pageSize, $"page size must be 1 to {TickRequest.MaxPageSize}");

        var token = string.IsNullOrEmpty(request.PageToken) ? null : request.PageToken;
        var number = 0;
        do
        {
            var url = TicksUrl(request, endpoint, pageSize, token);
            var page = await GetJsonAsync<TPage>(_dataUrl, url, endpoint, cancellationToken).ConfigureAwait(false);
            var next = string.IsNullOrEmpty(page.NextPageToken) ? null : page.NextPageToken;

            // A server that hands back the token it was given would page forever.
            if (next is not null && next == token)
                throw new AlpacaRequestException($"Alpaca returned the same page token twice for {url}", null, null, null);

            token = next;
            number++;
            var count = CountRows(page);
            rowCounter.Add(count);
            LogTickPage(endpoint, number, count, token is null);
            yield return (number, page, token);
        }
        while (token is not null);
    }

    private string TicksUrl(TickRequest request, string endpoint, int pageSize, string? pageToken)
    {
        var url = new StringBuilder(160);
        if (request.Symbols.Count == 1)
            url.Append("v2/stocks/").Append(Uri.EscapeDataString(request.Symbols[0])).Append('/').Append(endpoint).Append('?');
        else
            url.Append("v2/stocks/").Append(endpoint).Append("?symbols=").Append(Uri.EscapeDataString(string.Join(',', request.Symbols))).Append('&');

        // Every page repeats the same parameters; only page_token changes.
        url.Append("start=").Append(Uri.EscapeDataString(AlpacaTimestamp.Format(request.Start)))
            .Append("&end=").Append(Uri.EscapeDataString(AlpacaTimestamp.Format(request.End)))
            .Append("&limit=").Append(pageSize.ToString(CultureInfo.InvariantCulture))
            .Append("&feed=").Append(Uri.EscapeDataString(request.Feed ?? _options.Feed))
            .Append("&sort=").Append(request.Sort == AlpacaSort.Descending ? "desc" : "asc");
        if (request.AsOf is { } asOf) url.Append("&asof=").Append(asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(request.Currency)) url.Append("&currency=").Append(Uri.EscapeDataString(request.Currency));
        if (pageToken is not null) url.Append("&page_token=").Append(Uri.EscapeDataString(pageToken));
        return url.ToString();
    }

    /// <summary>The page's rows by symbol: a single-symbol page is the requested symbol's; multi-symbol groups go by symbol, as Alpaca orders them.</summary>
    private static IEnumerable<(Symbol Symbol, List<TRow> Rows)> Groups<TRow>(WireTickPage<TRow> page, TickRequest request)
    {
        if (request.Symbols.Count == 1)
        {
            foreach (var (_, rows) in page.Groups) yield return (request.Symbols[0], rows);
            yield break;
        }
        foreach (var (name, rows) in page.Groups.OrderBy(group => group.Key, StringComparer.Ordinal))
        {
            // An array instead of the object keyed by symbol: only the page's "symbol" can say whose rows they are.
            var text = name ?? page.Symbol;
            if (!Symbol.TryParse(text, out var symbol, out var error))
                throw new AlpacaRequestException($"Alpaca's page names rows of no valid symbol: {error}", null, null, null);
            yield return (symbol, rows);
        }
    }

    private static int CountRows<TRow>(WireTickPage<TRow> page)
    {
        var count = 0;
        foreach (var group in page.Groups) count += group.Value.Count;
        return count;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Endpoint} page {Page}: {Count} rows, last page: {IsLast}")]
    private partial void LogTickPage(string endpoint, int page, int count, bool isLast);
}
