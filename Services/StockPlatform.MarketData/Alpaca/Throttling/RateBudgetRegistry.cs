using System.Collections.Concurrent;

namespace StockPlatform.MarketData.Alpaca.Throttling;

/// <summary>
/// One <see cref="RateBudget"/> per API key for the whole process: Alpaca counts requests per
/// account, so every client instance using a key must draw from the same budget.
/// </summary>
public sealed class RateBudgetRegistry(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, RateBudget> _budgets = new(StringComparer.Ordinal);

    /// <summary>The budget of a key (created on first use).</summary>
    public RateBudget For(string keyId, TimeSpan resetMargin) =>
        _budgets.GetOrAdd(keyId, static (_, state) => new RateBudget(state.time, state.resetMargin), (time, resetMargin));
}
