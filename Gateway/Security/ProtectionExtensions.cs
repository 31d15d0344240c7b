using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using StockPlatform.Gateway.Extensions;

namespace StockPlatform.Gateway.Security;

/// <summary>What stands between the API and anyone who can reach its port: CORS, per-client rate limits, the API key, body limits.</summary>
public static class ProtectionExtensions
{
    private const string CorsPolicy = "dashboard";

    /// <summary>Registers the rate limiter (a token bucket per client), CORS for the configured origins and the body limit.</summary>
    public static WebApplicationBuilder AddGatewayProtection(this WebApplicationBuilder builder)
    {
        // A job of a thousand symbols is some 10 KB; nothing the API takes needs more.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 1024 * 1024);
        // Kestrel reports a body over that limit (or one too slow) by throwing while the endpoint
        // reads it; the exception handler answers with the status it carries (413, 408), not 500.
        builder.Services.Configure<ExceptionHandlerOptions>(options =>
            options.StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError);
        builder.Services.AddCors(cors => cors.AddPolicy(CorsPolicy, policy =>
        {
            var origins = builder.Configuration.GetSection($"{GatewayOptions.SectionName}:{nameof(GatewayOptions.CorsOrigins)}").Get<string[]>() ?? [];
            policy.WithOrigins(origins).WithMethods("GET", "POST", "DELETE", "PUT").WithHeaders(ApiKeyMiddleware.HeaderName, "Content-Type", "Last-Event-ID");
        }));
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var perSecond = context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value.RequestsPerSecond;
                // Health probes are never limited; everyone else by key, else by address.
                if (ApiKeyMiddleware.IsProbe(context.Request.Path)) return RateLimitPartition.GetNoLimiter("probes");
                return RateLimitPartition.GetTokenBucketLimiter(ClientOf(context), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = perSecond * 2,
                    TokensPerPeriod = perSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                rejected.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await rejected.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = rejected.HttpContext,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        // Problem details have no default type for 429; RFC 6585 defines the status.
                        Type = "https://www.rfc-editor.org/rfc/rfc6585#section-4",
                        Title = "Too many requests",
                        Detail = "This client sent more requests than the gateway allows; wait for Retry-After seconds.",
                    },
                });
            };
        });
        return builder;
    }

    /// <summary>CORS, the rate limiter, the API key and a refusal of compressed bodies, in that order (a preflight needs no key; a flood is refused before any work).</summary>
    public static WebApplication UseGatewayProtection(this WebApplication app)
    {
        app.UseCors(CorsPolicy);
        app.UseRateLimiter();
        app.UseMiddleware<ApiKeyMiddleware>();
        app.Use(RefuseEncodedBodiesAsync);
        return app;
    }

    // The gateway decodes no content coding: a gzip body read as JSON would be garbage, or worse, a
    // plain body labelled gzip would be taken as it is. RFC 9110 (8.4.1) answers such a body with 415.
    private static async Task RefuseEncodedBodiesAsync(HttpContext context, RequestDelegate next)
    {
        var encoding = context.Request.Headers.ContentEncoding;
        if (encoding.Count == 0 || encoding.All(value => string.Equals(value?.Trim(), "identity", StringComparison.OrdinalIgnoreCase)))
        {
            await next(context);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
        context.Response.Headers.AcceptEncoding = "identity";
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status415UnsupportedMediaType, Title = "Content-Encoding not supported", Detail = "Send the body uncompressed (no Content-Encoding)." },
        });
    }

    // Only the gateway's own key earns the partition of its holder; any other key counts against the
    // sender's address, or a client could escape the limit by sending a new wrong key each time.
    private static string ClientOf(HttpContext context) =>
        ApiKeyMiddleware.SendsGatewayKey(context.Request, context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value)
            ? "key"
            : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
}
