using Microsoft.Extensions.Options;
using StockPlatform.Gateway.Extensions;

namespace StockPlatform.Gateway.Apis;

/// <summary>
/// The bar reads that may hand rows on as the store reads them at once, each holding a database
/// connection until its client has taken them (see <see cref="GatewayOptions.StreamedReads"/>).
/// Never waited for: a read without a slot starts at once, a page at a time.
/// </summary>
public sealed class StreamSlots(IOptions<GatewayOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.StreamedReads, Math.Max(1, options.Value.StreamedReads));

    /// <summary>A slot if one is free (dispose it to give it back), else null.</summary>
    public IDisposable? TryTake() => _slots.Wait(0) ? new Slot(_slots) : null;

    /// <inheritdoc/>
    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
        }
    }
}
