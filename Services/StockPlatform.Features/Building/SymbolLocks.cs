using System.Collections.Concurrent;

namespace StockPlatform.Features.Building;

/// <summary>
/// One refresh of a symbol at a time in this agent: a backfill's events and a rebuild job may
/// name the same symbol at once, and their replacements of its rows must not interleave.
/// </summary>
public sealed class SymbolLocks
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    /// <summary>Waits for the symbol's lock; disposing the result releases it.</summary>
    public async Task<IDisposable> AcquireAsync(string symbol, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(symbol, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Releaser(gate);
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
        }
    }
}
