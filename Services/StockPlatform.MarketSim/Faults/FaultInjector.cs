using Microsoft.Extensions.Options;
using StockPlatform.MarketSim.Options;

namespace StockPlatform.MarketSim.Faults;

/// <summary>
/// Decides which REST requests fail. The sequence comes from a random generator seeded with
/// <see cref="MarketSimOptions.Seed"/>: the n-th request of a run always gets the same verdict.
/// </summary>
internal sealed class FaultInjector(IOptions<MarketSimOptions> options)
{
    private readonly Random _random = new(options.Value.Seed);
    private readonly Lock _lock = new();

    public bool ShouldFail()
    {
        var rate = options.Value.Faults.ErrorRate;
        if (rate <= 0) return false;
        lock (_lock)
        {
            return _random.NextDouble() < rate;
        }
    }
}
