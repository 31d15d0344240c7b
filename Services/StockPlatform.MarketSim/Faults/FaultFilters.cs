using System.Globalization;
using Microsoft.Extensions.Options;
using StockPlatform.MarketSim.Apis;
using StockPlatform.MarketSim.Options;

namespace StockPlatform.MarketSim.Faults;

/// <summary>Adds <see cref="FaultOptions.Latency"/> to every API response, errors included (outermost filter).</summary>
internal sealed class LatencyFilter(IOptions<MarketSimOptions> options, TimeProvider time) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var latency = options.Value.Faults.Latency;
        if (latency > TimeSpan.Zero) await Task.Delay(latency, time, context.HttpContext.RequestAborted);
        return await next(context);
    }
}

/// <summary>Answers a share of authenticated requests with 500 (<see cref="FaultOptions.ErrorRate"/>).</summary>
internal sealed class ErrorInjectionFilter(FaultInjector faults) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        faults.ShouldFail() ? ApiErrors.InternalError() : await next(context);
}

/// <summary>Answers authenticated requests with the status of a <see cref="RuntimeFaults"/> burst while one is in force.</summary>
internal sealed class BurstFilter(RuntimeFaults faults) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (faults.TakeBurstAnswer() is not { } burst) return await next(context);
        if (burst.Status != StatusCodes.Status429TooManyRequests) return ApiErrors.InternalError();
        // The rate-limit filter stamped this key's real budget; a 429 must say it is spent until the burst ends.
        var headers = context.HttpContext.Response.Headers;
        headers["X-RateLimit-Remaining"] = "0";
        var reset = (burst.Until.ToUnixTimeMilliseconds() + 999) / 1000;
        headers["X-RateLimit-Reset"] = reset.ToString(CultureInfo.InvariantCulture);
        return ApiErrors.RateLimitExceeded();
    }
}
