using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace StockPlatform.ServiceDefaults.Agents;

/// <summary>The agent model every worker service shares.</summary>
public static class AgentExtensions
{
    /// <summary>
    /// Makes this service the agent <paramref name="name"/>: its identity (name, instance, version),
    /// heartbeats with its <see cref="AgentStatus"/>, pause and resume by <c>ControlAgent</c>
    /// commands and the stored state (<see cref="AgentControl"/>), and the <c>agent</c> field on
    /// every log line. Call it before <c>AddMessageBus</c>, which then adds the control queue and
    /// lets the control stop the work queues.
    /// </summary>
    public static TBuilder AddAgent<TBuilder>(this TBuilder builder, string name) where TBuilder : IHostApplicationBuilder
    {
        var identity = AgentIdentity.ForCurrentProcess(name);
        builder.Services.AddSingleton(identity);
        builder.Services.AddSingleton<AgentStatus>();
        builder.Services.AddSingleton<AgentControl>();
        builder.Services.AddSingleton<AgentEndpointObserver>();
        builder.Services.AddOptions<AgentOptions>()
            .BindConfiguration(AgentOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddHostedService<AgentHeartbeatService>();
        return builder;
    }

    /// <summary>Whether <see cref="AddAgent{TBuilder}"/> was called on these services.</summary>
    internal static bool HasAgent(this IServiceCollection services) =>
        services.Any(descriptor => descriptor.ServiceType == typeof(AgentControl));
}
