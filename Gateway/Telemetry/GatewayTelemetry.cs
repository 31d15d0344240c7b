using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using StockPlatform.ServiceDefaults.Telemetry;

namespace StockPlatform.Gateway.Telemetry;

/// <summary>
/// The gateway's own meter (exported by the service defaults as <c>StockPlatform.*</c>): the queue
/// gauges. Its spans are ASP.NET Core's and MassTransit's: a request's span holds the publish of
/// its messages.
/// </summary>
/// <remarks>
/// One static meter, its gauges reading every running <see cref="QueueDepthMonitor"/>: a meter per
/// host would be disposed with its host, and where several gateways share a process (the tests)
/// the SDK, which merges same-named instruments into one stream, would end the stream of them all.
/// </remarks>
internal static class GatewayTelemetry
{
    public const string MeterName = "StockPlatform.Gateway";

    public const string DepthGauge = "stockplatform.queue.depth";
    public const string ConsumersGauge = "stockplatform.queue.consumers";

    private static readonly Meter Meter = new(MeterName);

    private static readonly ConcurrentDictionary<QueueDepthMonitor, bool> Monitors = new();

    static GatewayTelemetry()
    {
        Meter.CreateObservableGauge(DepthGauge, () => Observe(reading => reading.Messages), unit: "{message}",
            description: "Messages waiting in a RabbitMQ queue of the platform");
        Meter.CreateObservableGauge(ConsumersGauge, () => Observe(reading => reading.Consumers), unit: "{consumer}",
            description: "Consumers attached to a RabbitMQ queue of the platform");
    }

    /// <summary>Reports <paramref name="monitor"/>'s readings until <see cref="Remove"/>.</summary>
    public static void Add(QueueDepthMonitor monitor) => Monitors[monitor] = true;

    public static void Remove(QueueDepthMonitor monitor) => Monitors.TryRemove(monitor, out _);

    private static IEnumerable<Measurement<long>> Observe(Func<(long Messages, long Consumers), long> value) =>
        Monitors.Keys.SelectMany(monitor => monitor.Readings)
            .Select(pair => new Measurement<long>(value(pair.Value), new KeyValuePair<string, object?>(TelemetryTags.Queue, pair.Key)));
}
