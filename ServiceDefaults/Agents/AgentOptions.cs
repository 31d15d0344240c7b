using System.ComponentModel.DataAnnotations;

namespace StockPlatform.ServiceDefaults.Agents;

/// <summary>How an agent reports itself (section <c>Agent</c>).</summary>
public sealed class AgentOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Agent";

    /// <summary>How often a heartbeat is sent, and the pause state checked against the store.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a pause waits for the work queues to stop (the work in hand handed back) before going on in the background.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan PauseTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
