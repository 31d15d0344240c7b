using System.Net;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace StockPlatform.ServiceDefaults.Http;

/// <summary>
/// Builds the default HTTP pipeline: an overall timeout around retries (exponential back-off with
/// jitter, honouring <c>Retry-After</c>) around a per-attempt timeout.
/// </summary>
internal static class ResiliencePipelineFactory
{
    private static readonly HashSet<HttpMethod> IdempotentMethods =
        [HttpMethod.Get, HttpMethod.Head, HttpMethod.Options, HttpMethod.Put, HttpMethod.Delete];

    public static ResiliencePipeline<HttpResponseMessage> Create(HttpResilienceOptions options, TimeProvider? timeProvider = null)
    {
        var retry = new RetryStrategyOptions<HttpResponseMessage>
        {
            MaxRetryAttempts = options.MaxRetryAttempts,
            Delay = options.BaseDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
            DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, options.MaxRetryAfter)),
            OnRetry = args =>
            {
                // The failed response will never be read: release its connection now.
                args.Outcome.Result?.Dispose();
                return ValueTask.CompletedTask;
            },
        };

        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (timeProvider is not null) builder.TimeProvider = timeProvider;
        return builder
            .AddTimeout(options.TotalTimeout)
            .AddRetry(retry)
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    /// <summary>Only requests that are safe to send twice are retried.</summary>
    public static bool CanRetry(HttpRequestMessage request) => IdempotentMethods.Contains(request.Method);

    internal static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => IsTransient(response.StatusCode),
        _ => false,
    };

    internal static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeSpan cap)
    {
        var header = response?.Headers.RetryAfter;
        if (header is null) return null; // fall back to exponential back-off

        var wait = header.Delta ?? (header.Date is { } date ? date - DateTimeOffset.UtcNow : TimeSpan.Zero);
        if (wait < TimeSpan.Zero) wait = TimeSpan.Zero;
        return wait > cap ? cap : wait;
    }
}
