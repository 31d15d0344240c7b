using Microsoft.Extensions.DependencyInjection;
using StockPlatform.ServiceDefaults.Agents;

namespace StockPlatform.ServiceDefaults.Logging;

/// <summary>
/// Who writes a log line when no scope says: the process's <see cref="AgentIdentity"/> (registered
/// by <c>AddAgent</c>, or the gateway's), else the application's name. Looked up once, lazily: the
/// loggers exist before the container can hand out services.
/// </summary>
public sealed class LogIdentity(IServiceProvider? services, string applicationName)
{
    private const string ApplicationPrefix = "StockPlatform.";

    [ThreadStatic]
    private static bool t_resolving;

    private readonly string _fallback = DefaultAgentName(applicationName);
    private (string Agent, string? Instance)? _known;

    /// <summary>The agent name of a process without an identity: <c>StockPlatform.Ingestion</c> is <c>ingestion</c>.</summary>
    public static string DefaultAgentName(string applicationName)
    {
        var name = applicationName.StartsWith(ApplicationPrefix, StringComparison.Ordinal) ? applicationName[ApplicationPrefix.Length..] : applicationName;
        return string.IsNullOrWhiteSpace(name) ? "unknown" : name.ToLowerInvariant();
    }

    /// <summary>The agent's name and, when it has an identity, its instance.</summary>
    public (string Agent, string? Instance) Get()
    {
        if (_known is { } known) return known;
        // The identity may come from a factory that logs while it runs: that line takes the fallback.
        if (services is null || t_resolving) return (_fallback, null);
        t_resolving = true;
        try
        {
            var agent = services.GetService<AgentIdentity>();
            return (_known = agent is null ? (_fallback, null) : (agent.Name, agent.Instance)).Value;
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
        {
            // Shutting down, or the identity's own registration is broken: name the application instead.
            return (_fallback, null);
        }
        finally
        {
            t_resolving = false;
        }
    }
}
