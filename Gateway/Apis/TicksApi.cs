using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using StockPlatform.Gateway.Security;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Ticks;

namespace StockPlatform.Gateway.Apis;

/// <summary>
/// Stored trades and quotes of a symbol with Alpaca's nanosecond timestamps:
/// <c>GET /trades/{symbol}</c> and <c>GET /quotes/{symbol}</c>. With <c>start</c> and/or
/// <c>end</c> (both inclusive, to the nanosecond), the rows of that range in time order
/// (<c>sort=desc</c>: newest first), a page at a time; without either, the latest <c>limit</c>
/// rows (and, newest first, tokens paging back from there). As JSON, or as CSV
/// (<c>Accept: text/csv</c> or <c>format=csv</c>): a whole range streamed a page of the store at a
/// time, so a busy day of quotes never sits in memory.
/// </summary>
public static class TicksApi
{
    /// <summary>Rows in a page unless <c>limit</c> says otherwise.</summary>
    public const int DefaultLimit = 1000;

    /// <summary>Most rows in a page (Alpaca's own page limit).</summary>
    public const int MaxLimit = 10_000;

    private const string TradesCsvHeader = "symbol,timestamp,exchange,price,size,conditions,id,tape";
    private const string QuotesCsvHeader = "symbol,timestamp,bid_exchange,bid_price,bid_size,ask_exchange,ask_price,ask_size,conditions,tape";

    // An open side of a range reaches as far as any date parameter may.
    private static readonly NanoTime OpenStart = NanoTime.From(NewYorkTime.StartOfDay(RequestParsing.MinDate));
    private static readonly NanoTime OpenEnd = NanoTime.From(NewYorkTime.StartOfDay(RequestParsing.MaxDate.AddDays(1)), -1);

    /// <summary>Maps the trades and quotes endpoints.</summary>
    public static IEndpointRouteBuilder MapTicksApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/trades/{symbol}", GetTradesAsync)
            .DescribeTicks<TradesResponse>("GetTrades", "Trades of a symbol to the nanosecond, oldest or newest first, as JSON (paged) or CSV")
            .ProducesCsv($"{TradesCsvHeader}\nSPY,2024-01-02T14:30:00.123456789Z,V,472.16,100,@ I,52983525029461,B\n");
        app.MapGet("/quotes/{symbol}", GetQuotesAsync)
            .DescribeTicks<QuotesResponse>("GetQuotes", "Quotes (best bid and ask) of a symbol to the nanosecond, oldest or newest first, as JSON (paged) or CSV")
            .ProducesCsv($"{QuotesCsvHeader}\nSPY,2024-01-02T14:30:00.000123456Z,P,472.15,2,Q,472.17,3,R,B\n");
        return app;
    }

    private static RouteHandlerBuilder DescribeTicks<TBody>(this RouteHandlerBuilder endpoint, string name, string summary) =>
        endpoint.WithName(name)
            .WithTags("Trades and quotes")
            .WithSummary(summary)
            .Produces<TBody>(contentType: "application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status406NotAcceptable);

    /// <summary>One trade: <c>timestamp</c> in RFC 3339 with nine fraction digits, <c>id</c> the exchange's trade id, <c>tape</c> A, B or C.</summary>
    public sealed record TradeResponse(string Timestamp, string Exchange, decimal Price, long Size, IReadOnlyList<string> Conditions, long Id, string Tape);

    /// <summary>The body of <c>GET /trades/{symbol}</c>.</summary>
    public sealed record TradesResponse(string Symbol, IReadOnlyList<TradeResponse> Trades, string? NextPageToken);

    /// <summary>One quote: the best bid and ask at <c>timestamp</c> (nine fraction digits), each with its exchange and size.</summary>
    public sealed record QuoteResponse(
        string Timestamp, string BidExchange, decimal BidPrice, long BidSize, string AskExchange, decimal AskPrice, long AskSize,
        IReadOnlyList<string> Conditions, string Tape);

    /// <summary>The body of <c>GET /quotes/{symbol}</c>.</summary>
    public sealed record QuotesResponse(string Symbol, IReadOnlyList<QuoteResponse> Quotes, string? NextPageToken);

    /// <summary>Where a read resumes: the last row's instant and its tie-breakers (a trade's exchange and id; a quote's position within its instant).</summary>
    private readonly record struct Cursor(NanoTime Time, string Key, long Id);

    /// <summary>
    /// A validated read. <see cref="Latest"/>: no range and oldest first, so the newest
    /// <see cref="Limit"/> rows are read and turned round (no next page: nothing is newer).
    /// </summary>
    private sealed record Read(Symbol Symbol, NanoTime From, NanoTime To, int Limit, bool Descending, bool Latest, bool Csv, string Scope, Cursor? After);

    /// <summary>How one kind of row is read from its store, positioned, shown and written as CSV.</summary>
    private sealed record Rows<TRow>(
        string Name,
        string CsvHeader,
        Func<Symbol, DateTimeOffset, DateTimeOffset, int, Cursor?, bool, CancellationToken, Task<IReadOnlyList<TRow>>> ReadAsync,
        Func<TRow, Cursor> Position,
        Action<StringBuilder, TRow> AppendCsv);

    internal static Task<IResult> GetTradesAsync(
        string symbol, string? start, string? end, string? limit, string? sort, [FromQuery(Name = "page_token")] string? pageToken, string? format,
        HttpContext context, TradeStore trades, PageTokens tokens, CancellationToken cancellationToken)
    {
        var rows = new Rows<Trade>("trades", TradesCsvHeader,
            // Only a cursor's time, exchange and id take part in the store's keyset.
            (ticker, from, to, count, after, descending, token) => trades.ReadAsync(ticker, from, to, count,
                after is { } at ? new Trade(at.Time, at.Id, at.Key, 0m, 0, [], string.Empty) : null, descending, token),
            trade => new Cursor(trade.Time, trade.Exchange, trade.Id),
            AppendTrade);
        return ServeAsync(rows, symbol, start, end, limit, sort, pageToken, format, context, tokens,
            (ticker, page, next) => new TradesResponse(ticker.Value, [.. page.Select(ToResponse)], next), cancellationToken);
    }

    internal static Task<IResult> GetQuotesAsync(
        string symbol, string? start, string? end, string? limit, string? sort, [FromQuery(Name = "page_token")] string? pageToken, string? format,
        HttpContext context, QuoteStore quotes, PageTokens tokens, CancellationToken cancellationToken)
    {
        var rows = new Rows<StoredQuote>("quotes", QuotesCsvHeader,
            (ticker, from, to, count, after, descending, token) => quotes.ReadAsync(ticker, from, to, count,
                after is { } at ? new StoredQuote(new Quote(at.Time, string.Empty, 0m, 0, string.Empty, 0m, 0, [], string.Empty), (short)at.Id) : null,
                descending, token),
            stored => new Cursor(stored.Quote.Time, string.Empty, stored.Seq),
            AppendQuote);
        return ServeAsync(rows, symbol, start, end, limit, sort, pageToken, format, context, tokens,
            (ticker, page, next) => new QuotesResponse(ticker.Value, [.. page.Select(q => ToResponse(q.Quote))], next), cancellationToken);
    }

    private static async Task<IResult> ServeAsync<TRow, TBody>(
        Rows<TRow> rows, string symbol, string? start, string? end, string? limit, string? sort, string? pageToken, string? format,
        HttpContext context, PageTokens tokens, Func<Symbol, IReadOnlyList<TRow>, string?, TBody> body, CancellationToken cancellationToken)
    {
        var problems = new ApiProblems();
        var csv = RequestParsing.WantsCsv(format, context.Request, problems);
        if (csv is null && !problems.Any) return CsvAnswers.NotAcceptable(context, char.ToUpperInvariant(rows.Name[0]) + rows.Name[1..]);
        var read = Validate(rows.Name, symbol, start, end, limit, sort, pageToken, csv ?? false, tokens, problems);
        if (read is null) return problems.ToResult();

        if (read.Csv)
        {
            return TypedResults.Stream(stream => WriteCsvAsync(stream, rows, read, cancellationToken), $"{RequestParsing.CsvType}; charset=utf-8",
                fileDownloadName: $"{read.Symbol.Value}_{rows.Name}.csv");
        }
        var (page, next) = await ReadPageAsync(rows, read, cancellationToken);
        var token = next is { } at ? tokens.IssueRow(read.Scope, at.Time.UnixNanoseconds, at.Key, at.Id) : null;
        return TypedResults.Ok(body(read.Symbol, page, token));
    }

    private static Read? Validate(
        string name, string symbol, string? start, string? end, string? limit, string? sort, string? pageToken, bool csv,
        PageTokens tokens, ApiProblems problems)
    {
        var ticker = RequestParsing.Symbol(symbol, problems);
        var from = RequestParsing.NanoInstant(start, "start", isEnd: false, problems);
        var to = RequestParsing.NanoInstant(end, "end", isEnd: true, problems);
        var ranged = !string.IsNullOrWhiteSpace(start) || !string.IsNullOrWhiteSpace(end);
        // CSV streams a whole range: no limit unless one is asked for. Without a range it is the latest rows, as JSON.
        var whole = csv && ranged;
        var count = RequestParsing.Int(limit, "limit", whole ? int.MaxValue : DefaultLimit, 1, whole ? int.MaxValue : MaxLimit, problems);
        var order = RequestParsing.OneOf(sort, "sort", "asc", problems, "asc", "desc");
        if (from is { } f && to is { } t && t < f) problems.Add("start", "start must not be after end.");
        if (csv && !string.IsNullOrWhiteSpace(pageToken)) problems.Add("page_token", "CSV answers hold the whole range; page tokens belong to JSON reads.");
        if (problems.Any) return null;

        // A token resumes the query that issued it, and only that one (any page size).
        var descending = order == "desc";
        var scope = JsonSerializer.Serialize(new object?[] { name, ticker!.Value.Value, from?.UnixNanoseconds, to?.UnixNanoseconds, order });
        Cursor? after = null;
        if (!string.IsNullOrWhiteSpace(pageToken))
        {
            if (!tokens.TryReadRow(pageToken.Trim(), scope, out var at, out var key, out var id))
            {
                problems.Add("page_token", "the page token was not issued for this query (another symbol, start, end or sort, or not by this API); repeat the query without it.");
                return null;
            }
            after = new Cursor(new NanoTime(at), key, id);
        }
        return new Read(ticker.Value, from ?? OpenStart, to ?? OpenEnd, count!.Value, descending, !ranged && !descending, csv, scope, after);
    }

    /// <summary>
    /// One page: up to <see cref="Read.Limit"/> rows in the read's order after its cursor, and
    /// the position of the last one when more follow. The store keeps microseconds, so rows of a
    /// bound's microsecond beyond its nanosecond are read and dropped here (rarely more than a few).
    /// </summary>
    private static async Task<(List<TRow> Rows, Cursor? Next)> ReadPageAsync<TRow>(Rows<TRow> rows, Read read, CancellationToken cancellationToken)
    {
        var descending = read.Descending || read.Latest;
        var want = read.Limit + 1; // one more than the page says whether another follows
        var page = new List<TRow>(Math.Min(want, MaxLimit + 1));
        var after = read.After;
        while (page.Count < want)
        {
            var asked = want - page.Count;
            var batch = await rows.ReadAsync(read.Symbol, read.From.Microsecond, read.To.Microsecond, asked, after, descending, cancellationToken);
            foreach (var row in batch)
            {
                var time = rows.Position(row).Time;
                if (time >= read.From && time <= read.To) page.Add(row);
            }
            if (batch.Count < asked) break;
            after = rows.Position(batch[^1]);
        }
        Cursor? next = null;
        if (page.Count > read.Limit)
        {
            page.RemoveRange(read.Limit, page.Count - read.Limit);
            next = rows.Position(page[^1]);
        }
        if (read.Latest)
        {
            page.Reverse();
            next = null;
        }
        return (page, next);
    }

    /// <summary>Streams CSV: a header, then every row of the range (or the latest rows), a page of the store at a time.</summary>
    private static async Task WriteCsvAsync<TRow>(Stream body, Rows<TRow> rows, Read read, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(false), bufferSize: 64 * 1024);
        await writer.WriteAsync(rows.CsvHeader + "\n");
        var line = new StringBuilder(160);
        var left = read.Limit;
        var next = read with { Limit = Math.Min(left, MaxLimit) };
        while (left > 0)
        {
            var (page, after) = await ReadPageAsync(rows, next, cancellationToken);
            foreach (var row in page)
            {
                line.Clear();
                line.Append(read.Symbol.Value).Append(',');
                rows.AppendCsv(line, row);
                line.Append('\n');
                await writer.WriteAsync(line, cancellationToken);
            }
            await writer.FlushAsync(cancellationToken);
            left -= page.Count;
            if (after is null) break;
            next = next with { After = after, Limit = Math.Min(left, MaxLimit) };
        }
    }

    private static void AppendTrade(StringBuilder line, Trade trade) => line
        .Append(trade.Time.ToString()).Append(',')
        .Append(CsvAnswers.Field(trade.Exchange)).Append(',')
        .Append(trade.Price.ToString(CultureInfo.InvariantCulture)).Append(',')
        .Append(trade.Size.ToString(CultureInfo.InvariantCulture)).Append(',')
        .Append(CsvAnswers.Field(string.Join(' ', trade.Conditions))).Append(',')
        .Append(trade.Id.ToString(CultureInfo.InvariantCulture)).Append(',')
        .Append(CsvAnswers.Field(trade.Tape));

    private static void AppendQuote(StringBuilder line, StoredQuote stored)
    {
        var quote = stored.Quote;
        line.Append(quote.Time.ToString()).Append(',')
            .Append(CsvAnswers.Field(quote.BidExchange)).Append(',')
            .Append(quote.BidPrice.ToString(CultureInfo.InvariantCulture)).Append(',')
            .Append(quote.BidSize.ToString(CultureInfo.InvariantCulture)).Append(',')
            .Append(CsvAnswers.Field(quote.AskExchange)).Append(',')
            .Append(quote.AskPrice.ToString(CultureInfo.InvariantCulture)).Append(',')
            .Append(quote.AskSize.ToString(CultureInfo.InvariantCulture)).Append(',')
            .Append(CsvAnswers.Field(string.Join(' ', quote.Conditions))).Append(',')
            .Append(CsvAnswers.Field(quote.Tape));
    }

    /// <summary>A stored trade as the API shows it.</summary>
    public static TradeResponse ToResponse(Trade trade) =>
        new(trade.Time.ToString(), trade.Exchange, trade.Price, trade.Size, trade.Conditions, trade.Id, trade.Tape);

    /// <summary>A stored quote as the API shows it.</summary>
    public static QuoteResponse ToResponse(Quote quote) =>
        new(quote.Time.ToString(), quote.BidExchange, quote.BidPrice, quote.BidSize, quote.AskExchange, quote.AskPrice, quote.AskSize, quote.Conditions, quote.Tape);
}
