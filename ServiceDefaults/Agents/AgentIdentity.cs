using System.Reflection;

namespace StockPlatform.ServiceDefaults.Agents;

/// <summary>
/// Who is speaking in a heartbeat, a log line or the dashboard: the service's name (ingestion,
/// livestream, features, gateway), this process's instance id, and the build it runs.
/// </summary>
/// <param name="Name">The agent's name, shared by every instance of it.</param>
/// <param name="Instance">Unique per process: host, process id and a random suffix (process ids repeat across containers).</param>
/// <param name="Version">The entry assembly's informational version (<c>0.1.0+&lt;commit&gt;</c>).</param>
/// <param name="StartedAt">When this process started.</param>
public sealed record AgentIdentity(string Name, string Instance, string Version, DateTimeOffset StartedAt)
{
    /// <summary>The identity of the current process under <paramref name="name"/>.</summary>
    public static AgentIdentity ForCurrentProcess(string name, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var suffix = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, 2));
        var instance = $"{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}-{suffix}";
        var version = Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        return new AgentIdentity(name, instance, version, (time ?? TimeProvider.System).GetUtcNow());
    }
}
