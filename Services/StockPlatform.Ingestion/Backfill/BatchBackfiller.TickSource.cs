namespace StockPlatform.Ingestion.Backfill;

// PENDING client-trades: replaced by the Alpaca trades and quotes calls once that branch is merged.
public sealed partial class BatchBackfiller
{
    private IAsyncEnumerable<TickPage> TickPagesAsync(TickItem item, DateTimeOffset now, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{item} {now:O} {cancellationToken.IsCancellationRequested}");
}
