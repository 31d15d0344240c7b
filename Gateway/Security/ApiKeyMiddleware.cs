using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using StockPlatform.Gateway.Extensions;

namespace StockPlatform.Gateway.Security;

/// <summary>
/// Every request that changes state (any method but GET, HEAD and OPTIONS) needs the gateway's
/// API key in <c>X-Api-Key</c>; with <see cref="GatewayOptions.RequireKeyForReads"/>, reads do
/// too (health checks and the API description excepted). Keys are compared in constant time and
/// never logged or echoed. A gateway without a key refuses every change, saying how to set one.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, IOptions<GatewayOptions> options, IProblemDetailsService problems)
{
    /// <summary>The header that carries the key.</summary>
    public const string HeaderName = "X-Api-Key";

    private readonly byte[]? _keyHash = string.IsNullOrEmpty(options.Value.ApiKey) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.ApiKey));

    /// <summary>Checks the key, then passes the request on.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        if (!NeedsKey(context.Request) || HasKey(context.Request))
        {
            await next(context);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = $"ApiKey header=\"{HeaderName}\"";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "API key required",
                Detail = _keyHash is null
                    ? "This gateway has no API key (GATEWAY_API_KEY), so it refuses every change; set one and send it in X-Api-Key."
                    : context.Request.Headers.ContainsKey(HeaderName)
                        ? "The X-Api-Key header does not hold this gateway's key."
                        : "Send the gateway's key (GATEWAY_API_KEY) in the X-Api-Key header.",
            },
        });
    }

    private bool NeedsKey(HttpRequest request)
    {
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method)) return true;
        if (!options.Value.RequireKeyForReads) return false;
        var path = request.Path.Value ?? string.Empty;
        return !(path.StartsWith("/health", StringComparison.Ordinal) || path.StartsWith("/alive", StringComparison.Ordinal)
            || path.StartsWith("/openapi", StringComparison.Ordinal) || path.StartsWith("/docs", StringComparison.Ordinal));
    }

    private bool HasKey(HttpRequest request)
    {
        if (_keyHash is null || !request.Headers.TryGetValue(HeaderName, out var sent) || sent.Count != 1 || sent[0] is not { Length: > 0 and <= 256 } text) return false;
        // Hashing first makes both sides the same length, so the comparison time says nothing about the key.
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(text)), _keyHash);
    }
}
