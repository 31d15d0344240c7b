using Microsoft.Extensions.Options;
using StockPlatform.MarketSim.Apis;
using StockPlatform.MarketSim.Options;

namespace StockPlatform.MarketSim.Auth;

/// <summary>
/// Rejects REST requests without a good key pair: 401 <c>request is not authorized</c> when the
/// headers are missing, 403 <c>forbidden.</c> when they do not match the configured pair.
/// </summary>
internal sealed class ApiKeyFilter(IOptions<MarketSimOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var headers = context.HttpContext.Request.Headers;
        return Credentials.Check(options.Value, headers[Credentials.KeyIdHeader], headers[Credentials.SecretKeyHeader]) switch
        {
            CredentialCheck.Missing => ApiErrors.NotAuthorized(),
            CredentialCheck.Rejected => ApiErrors.Forbidden(),
            _ => await next(context),
        };
    }
}
