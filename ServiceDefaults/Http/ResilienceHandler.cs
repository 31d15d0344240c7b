using Polly;

namespace StockPlatform.ServiceDefaults.Http;

/// <summary>Runs each request through the resilience pipeline; non-idempotent requests go once.</summary>
internal sealed class ResilienceHandler(ResiliencePipeline<HttpResponseMessage> pipeline) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!ResiliencePipelineFactory.CanRetry(request)) return base.SendAsync(request, cancellationToken);

        return pipeline.ExecuteAsync(
            static (state, token) => new ValueTask<HttpResponseMessage>(state.Handler.SendOnce(state.Request, token)),
            (Handler: this, Request: request),
            cancellationToken).AsTask();
    }

    private Task<HttpResponseMessage> SendOnce(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
