using StockPlatform.MarketSim.Auth;
using StockPlatform.MarketSim.Faults;
using StockPlatform.MarketSim.RateLimiting;

namespace StockPlatform.MarketSim.Apis;

/// <summary>What every Alpaca API endpoint goes through, outermost first.</summary>
internal static class AlpacaPipeline
{
    /// <summary>
    /// Latency, then the rate limit (every request counts, and its headers go on every answer),
    /// then the key check, then injected faults (only requests that would otherwise succeed): a
    /// runtime burst of 429s or 500s (<see cref="RuntimeFaults"/>), then the configured error rate.
    /// </summary>
    public static RouteGroupBuilder WithAlpacaPipeline(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter<LatencyFilter>();
        group.AddEndpointFilter<RateLimitFilter>();
        group.AddEndpointFilter<ApiKeyFilter>();
        group.AddEndpointFilter<BurstFilter>();
        group.AddEndpointFilter<ErrorInjectionFilter>();
        return group;
    }
}
