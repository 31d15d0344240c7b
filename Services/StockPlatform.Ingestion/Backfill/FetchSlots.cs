using Microsoft.Extensions.Options;

namespace StockPlatform.Ingestion.Backfill;

/// <summary>
/// Bounds the paged requests in flight across every batch the agent runs at once
/// (<see cref="IngestionOptions.MaxConcurrentFetches"/>); they all share the one Alpaca rate budget.
/// </summary>
public sealed class FetchSlots(IOptions<IngestionOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentFetches, options.Value.MaxConcurrentFetches);

    /// <summary>Waits for a free slot.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _slots.WaitAsync(cancellationToken);

    /// <summary>Frees a slot.</summary>
    public void Release() => _slots.Release();

    /// <inheritdoc />
    public void Dispose() => _slots.Dispose();
}
