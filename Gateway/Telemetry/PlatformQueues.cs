using MassTransit;

namespace StockPlatform.Gateway.Telemetry;

/// <summary>
/// The platform's durable work queues: one per agent consumer, named by MassTransit after the
/// consumer (kebab case, the endpoint prefix in front), each with the <c>_error</c> queue its
/// failed messages go to. The per-instance queues (event fan-out to each gateway and live
/// updater) are temporary and not listed: nothing waits in them.
/// </summary>
public static class PlatformQueues
{
    /// <summary>The consumers' class names without "Consumer": the ingestion agent's backfill, the feature agent's, then the ingestion agent's corporate actions.</summary>
    public static readonly IReadOnlyList<string> Consumers = ["BackfillWindow", "BarsIngested", "LiveBars", "RebuildFeatures", "RefreshCorporateActions"];

    /// <summary>The suffix MassTransit gives a queue's error queue.</summary>
    public const string ErrorSuffix = "_error";

    /// <summary>The queue names under <paramref name="endpointPrefix"/>: each work queue, then its error queue.</summary>
    public static IReadOnlyList<string> Names(string? endpointPrefix)
    {
        // The agents format with KebabCaseEndpointNameFormatter(prefix): the prefix and the name, sanitized as one.
        var formatter = KebabCaseEndpointNameFormatter.Instance;
        return [.. Consumers.Select(consumer => formatter.SanitizeName((endpointPrefix ?? string.Empty) + consumer))
            .SelectMany(queue => new[] { queue, queue + ErrorSuffix })];
    }
}
