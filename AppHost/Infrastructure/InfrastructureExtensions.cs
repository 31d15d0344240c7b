using Microsoft.Extensions.Logging;

namespace StockPlatform.AppHost.Infrastructure;

/// <summary>Declares PostgreSQL and RabbitMQ in the mode the setting (or the machine) asks for.</summary>
public static class InfrastructureExtensions
{
    /// <summary>
    /// <c>Infrastructure=containers|local|external</c>; unset, containers when a container runtime
    /// answers, otherwise local, and containers when publishing a manifest. See README
    /// ("Infrastructure modes", "Deploy").
    /// </summary>
    public static PlatformInfrastructure AddPlatformInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var configuredRuntime = builder.Configuration["ASPIRE_CONTAINER_RUNTIME"] ?? builder.Configuration["DOTNET_ASPIRE_CONTAINER_RUNTIME"];
        ContainerRuntimeStatus? runtime = null;
        var mode = InfrastructureModeResolver.Resolve(
            builder.Configuration[InfrastructureModeResolver.SettingName],
            () => runtime ??= ContainerRuntimeStatus.Probe(configuredRuntime),
            publishing: builder.ExecutionContext.IsPublishMode);

        // The mode decides which resources exist, so it is settled before the app (and its logger) is built.
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddConsole());
        loggerFactory.CreateLogger("StockPlatform.AppHost").LogInformation(
            "Infrastructure: {Mode}{Reason}", mode.ToString().ToLowerInvariant(), runtime is null ? string.Empty : $" ({runtime.Description})");

        return mode switch
        {
            InfrastructureMode.Containers => builder.AddContainerInfrastructure(),
            InfrastructureMode.Local => builder.AddLocalInfrastructure(),
            _ => builder.AddExternalInfrastructure(),
        };
    }
}
