using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace StockPlatform.ServiceDefaults.Http;

/// <summary>Attaches (or removes) the standard resilience handler on HttpClients.</summary>
public static class ResilienceExtensions
{
    /// <summary>
    /// Configuration section for every client's handler, in the shape of
    /// <see cref="HttpStandardResilienceOptions"/> (for example <c>HttpResilience:Retry:MaxRetryAttempts</c>,
    /// <c>HttpResilience:AttemptTimeout:Timeout</c>, <c>HttpResilience:TotalRequestTimeout:Timeout</c>).
    /// </summary>
    public const string SectionName = "HttpResilience";

    /// <summary>
    /// The standard handler (rate limiter, total timeout, retries with jittered exponential
    /// back-off honouring <c>Retry-After</c>, circuit breaker, attempt timeout), with retries
    /// limited to methods that are safe to send twice: a POST that reached the server but lost its
    /// answer must not queue a second backfill.
    /// </summary>
    public static IHttpClientBuilder AddDefaultResilience(this IHttpClientBuilder builder, IConfiguration configuration)
    {
        builder.AddStandardResilienceHandler(options =>
        {
            configuration.GetSection(SectionName).Bind(options);
            options.Retry.DisableForUnsafeHttpMethods();
        });
        return builder;
    }

    /// <summary>
    /// Removes the default handler from one client, for clients with a policy of their own (two
    /// retry layers would multiply attempts and ignore the server's rate-limit hints).
    /// </summary>
    public static IHttpClientBuilder RemoveDefaultResilience(this IHttpClientBuilder builder)
    {
        // Marked experimental (EXTEXP0001) but the package's documented way to opt one client out of
        // ConfigureHttpClientDefaults; a test pins its behaviour, so a change shows up at upgrade time.
#pragma warning disable EXTEXP0001
        return builder.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
    }
}
