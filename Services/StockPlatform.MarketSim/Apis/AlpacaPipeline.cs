using StockPlatform.MarketSim.Auth;
using StockPlatform.MarketSim.Faults;
using StockPlatform.MarketSim.RateLimiting;

namespace StockPlatform.MarketSim.Apis;

/// <summary>What every Alpaca API endpoint goes through, outermost first.</summary>
internal static class AlpacaPipeline
{
    /// <summary>
    /// Latency, then the rate limit (every request counts, and its headers go on every answer),
    /// then the key check, then injected 500s (only requests that would otherwise succeed).
    /// </summary>
    public static RouteGroupBuilder WithAlpacaPipeline(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter<LatencyFilter>();
        group.AddEndpointFilter<RateLimitFilter>();
        group.AddEndpointFilter<ApiKeyFilter>();
        group.AddEndpointFilter<ErrorInjectionFilter>();
        return group;
    }
}
