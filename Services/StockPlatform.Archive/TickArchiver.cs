using System.Runtime.CompilerServices;
using StockPlatform.Archive.Catalog;
using StockPlatform.Archive.Partitions;
using StockPlatform.Archive.Query;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Calendar;
using StockPlatform.Storage.Ticks;

namespace StockPlatform.Archive;

/// <summary>
/// Archives a symbol's trades or quotes of one completed trading day: every row stored for that
/// New York date (midnight to midnight, so a print outside the extended session is not left
/// behind), read from the hot store page by page and streamed into the day's partition,
/// recorded in <c>archive_partitions</c> as dataset <c>trades</c> or <c>quotes</c>. Archiving a
/// day again replaces its partition. A day with nothing stored writes no partition (and keeps
/// one written before): an empty file would only hide what was archived.
/// </summary>
public sealed class TickArchiver(TradeStore trades, QuoteStore quotes, CalendarStore calendar, ArchivePartitionStore partitions, ArchiveCatalog catalog, ArchiveLayout layout, TimeProvider time)
{
    /// <summary>Rows read from the hot store per query: a liquid day of quotes is millions of rows.</summary>
    public const int PageRows = 50_000;

    /// <summary>The datasets this archiver writes.</summary>
    public static readonly IReadOnlyList<string> Datasets = [SessionArchiver.TradesDataset, SessionArchiver.QuotesDataset];

    /// <summary>Archives <paramref name="dataset"/> (<c>trades</c> or <c>quotes</c>) of <paramref name="symbol"/>'s day.</summary>
    public Task<WrittenPartition?> ArchiveAsync(string dataset, Symbol symbol, DateOnly session, CancellationToken cancellationToken = default) => dataset switch
    {
        SessionArchiver.TradesDataset => ArchiveTradesAsync(symbol, session, cancellationToken),
        SessionArchiver.QuotesDataset => ArchiveQuotesAsync(symbol, session, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(dataset), dataset, "ticks are archived as trades or quotes"),
    };

    /// <summary>Writes the trades partition of <paramref name="symbol"/>'s day; null when it is no trading day or nothing is stored for it.</summary>
    public async Task<WrittenPartition?> ArchiveTradesAsync(Symbol symbol, DateOnly session, CancellationToken cancellationToken = default)
    {
        if (await SessionArchiver.CompletedSessionAsync(calendar, time, session, cancellationToken) is null) return null;
        var (start, end) = DayOf(session);
        var first = await trades.ReadAsync(symbol, start, end, PageRows, cancellationToken: cancellationToken);
        if (first.Count == 0) return null;
        var path = layout.TradesPartition(symbol.Value, session);
        var written = await TradeParquetWriter.WriteAsync(path, symbol.Value, TradePagesAsync(symbol, start, end, first, cancellationToken), cancellationToken);
        return await RecordAsync(SessionArchiver.TradesDataset, symbol, session, written, cancellationToken);
    }

    /// <summary>Writes the quotes partition of <paramref name="symbol"/>'s day; null when it is no trading day or nothing is stored for it.</summary>
    public async Task<WrittenPartition?> ArchiveQuotesAsync(Symbol symbol, DateOnly session, CancellationToken cancellationToken = default)
    {
        if (await SessionArchiver.CompletedSessionAsync(calendar, time, session, cancellationToken) is null) return null;
        var (start, end) = DayOf(session);
        var first = await quotes.ReadAsync(symbol, start, end, PageRows, cancellationToken: cancellationToken);
        if (first.Count == 0) return null;
        var path = layout.QuotesPartition(symbol.Value, session);
        var written = await QuoteParquetWriter.WriteAsync(path, symbol.Value, QuotePagesAsync(symbol, start, end, first, cancellationToken), cancellationToken);
        return await RecordAsync(SessionArchiver.QuotesDataset, symbol, session, written, cancellationToken);
    }

    /// <summary>The first and last microsecond of a New York date (the stores' reads take both ends inclusive).</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) DayOf(DateOnly session) =>
        (NewYorkTime.StartOfDay(session), NewYorkTime.StartOfDay(session.AddDays(1)).AddTicks(-TimeSpan.TicksPerMicrosecond));

    private async Task<WrittenPartition> RecordAsync(string dataset, Symbol symbol, DateOnly session, WrittenPartition written, CancellationToken cancellationToken)
    {
        await partitions.RecordAsync(dataset, symbol.Value, session, layout.Relative(written.Path), written, cancellationToken);
        await catalog.EnsureViewsAsync(cancellationToken);
        return written;
    }

    // Keyset pages in the stores' order: each page continues after the last row of the one before.
    private async IAsyncEnumerable<IReadOnlyList<Trade>> TradePagesAsync(Symbol symbol, DateTimeOffset start, DateTimeOffset end, IReadOnlyList<Trade> first,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var page = first; page.Count > 0;)
        {
            yield return page;
            if (page.Count < PageRows) yield break;
            page = await trades.ReadAsync(symbol, start, end, PageRows, page[^1], cancellationToken: cancellationToken);
        }
    }

    private async IAsyncEnumerable<IReadOnlyList<StoredQuote>> QuotePagesAsync(Symbol symbol, DateTimeOffset start, DateTimeOffset end, IReadOnlyList<StoredQuote> first,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var page = first; page.Count > 0;)
        {
            yield return page;
            if (page.Count < PageRows) yield break;
            page = await quotes.ReadAsync(symbol, start, end, PageRows, page[^1], cancellationToken: cancellationToken);
        }
    }
}
