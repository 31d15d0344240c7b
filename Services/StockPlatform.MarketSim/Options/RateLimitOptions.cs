namespace StockPlatform.MarketSim.Options;

/// <summary>
/// Fixed-window request budget per API key (section <c>MarketSim:RateLimit</c>), like Alpaca's
/// free plan: 200 requests per minute.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>Requests allowed per window and key; the next one gets 429.</summary>
    public int RequestsPerWindow { get; set; } = 200;

    /// <summary>Window length; the window starts with a key's first request.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
