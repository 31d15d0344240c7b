using System.Globalization;
using StockPlatform.MarketSim.Apis;
using StockPlatform.MarketSim.Auth;

namespace StockPlatform.MarketSim.RateLimiting;

/// <summary>
/// Counts every API request against its key's budget and stamps <c>X-RateLimit-Limit</c>,
/// <c>X-RateLimit-Remaining</c> and <c>X-RateLimit-Reset</c> on the response, the 429 included.
/// Runs before authentication, as the headers appear on 401/403 too; requests without a key
/// share one anonymous budget per client address.
/// </summary>
internal sealed class RateLimitFilter(FixedWindowRateLimiter limiter) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = http.Request.Headers[Credentials.KeyIdHeader].ToString();
        if (key.Length == 0) key = $"anonymous@{http.Connection.RemoteIpAddress}";

        var decision = limiter.Acquire(key);
        var headers = http.Response.Headers;
        headers["X-RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = decision.ResetUnixSeconds.ToString(CultureInfo.InvariantCulture);
        return decision.Allowed ? await next(context) : ApiErrors.RateLimitExceeded();
    }
}
