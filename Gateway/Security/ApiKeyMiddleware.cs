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

    /// <summary>Health probes: never keyed, never rate-limited.</summary>
    public static bool IsProbe(PathString path) => path.StartsWithSegments("/health") || path.StartsWithSegments("/alive");

    /// <summary>The SHA-256 of the key a request sends (one non-empty header of at most 256 characters), or null.</summary>
    public static byte[]? SentKeyHash(HttpRequest request) =>
        request.Headers.TryGetValue(HeaderName, out var sent) && sent.Count == 1 && sent[0] is { Length: > 0 and <= 256 } text
            ? SHA256.HashData(Encoding.UTF8.GetBytes(text))
            : null;

    /// <summary>Whether a request sends this gateway's key (false when the gateway has none).</summary>
    public static bool SendsGatewayKey(HttpRequest request, GatewayOptions options) =>
        !string.IsNullOrEmpty(options.ApiKey) && SentKeyHash(request) is { } sent
        && CryptographicOperations.FixedTimeEquals(sent, SHA256.HashData(Encoding.UTF8.GetBytes(options.ApiKey)));

    private bool NeedsKey(HttpRequest request)
    {
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method)) return true;
        if (!options.Value.RequireKeyForReads) return false;
        return !(IsProbe(request.Path) || request.Path.StartsWithSegments("/openapi") || request.Path.StartsWithSegments("/docs"));
    }

    // Hashing first makes both sides the same length, so the comparison time says nothing about the key.
    private bool HasKey(HttpRequest request) =>
        _keyHash is not null && SentKeyHash(request) is { } sent && CryptographicOperations.FixedTimeEquals(sent, _keyHash);
}
