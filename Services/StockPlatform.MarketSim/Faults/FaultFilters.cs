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
