using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Polly;

namespace StockPlatform.ServiceDefaults.Http;

/// <summary>Attaches (or removes) the default resilience handler on HttpClients.</summary>
public static class ResilienceExtensions
{
    /// <summary>Adds the default retry/timeout handler, configured from <see cref="HttpResilienceOptions"/>.</summary>
    public static IHttpClientBuilder AddDefaultResilience(this IHttpClientBuilder builder)
    {
        builder.Services.AddOptions<HttpResilienceOptions>().BindConfiguration(HttpResilienceOptions.SectionName);
        // One pipeline for all clients: it holds no per-request state.
        builder.Services.TryAddSingleton(sp => new DefaultPipeline(ResiliencePipelineFactory.Create(
            sp.GetRequiredService<IOptions<HttpResilienceOptions>>().Value,
            sp.GetService<TimeProvider>())));
        return builder.AddHttpMessageHandler(sp => new ResilienceHandler(sp.GetRequiredService<DefaultPipeline>().Pipeline));
    }

    /// <summary>
    /// Removes the default handler from one client, for clients with a policy of their own (two
    /// retry layers would multiply attempts and ignore the server's rate-limit hints).
    /// </summary>
    public static IHttpClientBuilder RemoveDefaultResilience(this IHttpClientBuilder builder) =>
        builder.ConfigureAdditionalHttpMessageHandlers(static (handlers, _) =>
        {
            for (var i = handlers.Count - 1; i >= 0; i--)
            {
                if (handlers[i] is ResilienceHandler) handlers.RemoveAt(i);
            }
        });

    private sealed record DefaultPipeline(ResiliencePipeline<HttpResponseMessage> Pipeline);
}
