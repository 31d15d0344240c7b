using System.ComponentModel.DataAnnotations;

namespace StockPlatform.Gateway.Telemetry;

/// <summary>Which RabbitMQ queues the gateway measures, and how often (section <c>QueueDepth</c>).</summary>
public sealed class QueueDepthOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "QueueDepth";

    /// <summary>How often the queues are read (one passive declare each); the gauges report the last reading.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The endpoint prefix the agents' queues carry (their <c>Messaging:EndpointPrefix</c>); when
    /// unset, the gateway's own, which the platform's services share.
    /// </summary>
    public string? EndpointPrefix { get; set; }

    /// <summary>Queue names to read instead of the platform's work queues and their error queues (<see cref="PlatformQueues"/>).</summary>
    public List<string> Queues { get; set; } = [];
}
