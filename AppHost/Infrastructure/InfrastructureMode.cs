namespace StockPlatform.AppHost.Infrastructure;

/// <summary>Where the platform's PostgreSQL and RabbitMQ come from (setting <c>Infrastructure</c>).</summary>
public enum InfrastructureMode
{
    /// <summary>TimescaleDB and RabbitMQ containers, on a machine with a running Docker or Podman.</summary>
    Containers,

    /// <summary>This machine's PostgreSQL and RabbitMQ binaries, run by the AppHost as executables.</summary>
    Local,

    /// <summary>Servers someone else runs, given as <c>ConnectionStrings__stockplatform</c> and <c>ConnectionStrings__messaging</c>.</summary>
    External,
}

/// <summary>Decides the mode from the setting and, when it is not set, from whether a container runtime answers.</summary>
public static class InfrastructureModeResolver
{
    /// <summary>The configuration key users set.</summary>
    public const string SettingName = "Infrastructure";

    /// <summary>
    /// The configured mode, or <see cref="InfrastructureMode.Containers"/> when a healthy runtime
    /// exists and <see cref="InfrastructureMode.Local"/> otherwise. Asking for containers without a
    /// healthy runtime fails at once: container resources would otherwise wait forever.
    /// When <paramref name="publishing"/> (a manifest is written, nothing is started), the default
    /// is containers and no runtime is needed: the manifest describes what a container host deploys.
    /// </summary>
    public static InfrastructureMode Resolve(string? configured, Func<ContainerRuntimeStatus> probeRuntime, bool publishing = false)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            if (publishing) return InfrastructureMode.Containers;
            return probeRuntime().IsHealthy ? InfrastructureMode.Containers : InfrastructureMode.Local;
        }

        if (!Enum.TryParse<InfrastructureMode>(configured.Trim(), ignoreCase: true, out var mode) || !Enum.IsDefined(mode))
        {
            throw new InvalidOperationException(
                $"{SettingName}='{configured}' is not a mode: use containers, local or external (or leave it unset to pick containers when Docker runs, else local).");
        }

        if (mode == InfrastructureMode.Containers && !publishing && probeRuntime() is { IsHealthy: false } runtime)
        {
            throw new InvalidOperationException(
                $"{SettingName}=containers needs a running container runtime, but {runtime.Description}. " +
                $"Start Docker (or Podman, with ASPIRE_CONTAINER_RUNTIME=podman), or run on this machine's PostgreSQL and RabbitMQ with {SettingName}=local.");
        }
        return mode;
    }
}
