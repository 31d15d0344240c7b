using Microsoft.Extensions.Options;
using StockPlatform.Gateway.Extensions;

namespace StockPlatform.Gateway.Apis;

/// <summary>
/// The CSV exports that may read their range as one statement at once (see
/// <see cref="GatewayOptions.StreamedExports"/>); the others page. Never waited for: an export
/// without a slot starts at once, paged.
/// </summary>
public sealed class ExportSlots(IOptions<GatewayOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.StreamedExports, Math.Max(1, options.Value.StreamedExports));

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
