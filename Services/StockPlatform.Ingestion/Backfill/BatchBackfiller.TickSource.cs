using System.Runtime.CompilerServices;
using StockPlatform.MarketData.Alpaca.Rest;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Ledger;

namespace StockPlatform.Ingestion.Backfill;

public sealed partial class BatchBackfiller
{
    /// <summary>Every page of one tick request (<see cref="TickItem.Range"/>), trades or quotes, oldest first.</summary>
    private async IAsyncEnumerable<TickPage> TickPagesAsync(TickItem item, DateTimeOffset now, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var symbol = Symbol.Parse(item.Symbol);
        var (start, end) = item.Range(now);
        if (item.Dataset == LedgerDatasets.Trades)
        {
            await foreach (var page in _alpaca.GetTradePagesAsync(new TradesRequest([symbol], start, end) { Feed = item.Feed }, cancellationToken))
                yield return new TickPage(page.Number, page.IsLast, page.Trades, []);
        }
        else
        {
            await foreach (var page in _alpaca.GetQuotePagesAsync(new QuotesRequest([symbol], start, end) { Feed = item.Feed }, cancellationToken))
                yield return new TickPage(page.Number, page.IsLast, [], page.Quotes);
        }
    }
}
