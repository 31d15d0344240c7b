using System.Globalization;
using System.Threading.RateLimiting;
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
                    ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = "This client sent more requests than the gateway allows; wait for Retry-After seconds." },
                });
            };
        });
        return builder;
    }

    /// <summary>CORS, the rate limiter and the API key, in that order (a preflight needs no key; a flood is refused before any work).</summary>
    public static WebApplication UseGatewayProtection(this WebApplication app)
    {
        app.UseCors(CorsPolicy);
        app.UseRateLimiter();
        app.UseMiddleware<ApiKeyMiddleware>();
        return app;
    }

    // The key is hashed into the partition name, so the limiter's state never holds it.
    private static string ClientOf(HttpContext context) =>
        ApiKeyMiddleware.SentKeyHash(context.Request) is { } key
            ? "key:" + Convert.ToHexString(key)[..16]
            : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
}
