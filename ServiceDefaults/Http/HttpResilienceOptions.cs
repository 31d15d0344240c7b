namespace StockPlatform.ServiceDefaults.Http;

/// <summary>
/// Default resilience for every HttpClient (section <c>HttpResilience</c>). Clients that need
/// their own policy (the Alpaca client honours rate-limit headers) opt out with
/// <see cref="ResilienceExtensions.RemoveDefaultResilience"/>.
/// </summary>
public sealed class HttpResilienceOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "HttpResilience";

    /// <summary>Upper bound for a call including every retry.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Upper bound for a single attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Retries after the first attempt.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>First back-off delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait honoured from a <c>Retry-After</c> header.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);
}
