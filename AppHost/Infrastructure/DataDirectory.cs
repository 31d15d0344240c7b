using Microsoft.Extensions.Configuration;

namespace StockPlatform.AppHost.Infrastructure;

internal static class DataDirectory
{
    /// <summary><c>Local:DataDirectory</c>, else <c>STOCKPLATFORM_DATA_DIR</c>, else <c>.data</c> in the repository (git-ignored).</summary>
    public static string Resolve(IDistributedApplicationBuilder builder) => Path.GetFullPath(
        builder.Configuration[$"{LocalInfrastructureOptions.SectionName}:{nameof(LocalInfrastructureOptions.DataDirectory)}"]
        ?? builder.Configuration["STOCKPLATFORM_DATA_DIR"]
        ?? Path.Combine(RepositoryRoot(builder), ".data"));

    /// <summary>
    /// In a service's container image (<c>/app</c> is its working directory, owned by its non-root
    /// user), the folder a deployment mounts the shared archive volume on.
    /// </summary>
    public const string ContainerArchiveRoot = "/app/data";

    /// <summary>
    /// Where the gateway and the feature agent keep the archive: the data directory when the AppHost
    /// runs the services, <see cref="ContainerArchiveRoot"/> in a published manifest (a path on this
    /// machine would mean nothing to a container host, and would differ between machines).
    /// </summary>
    public static string ArchiveRoot(IDistributedApplicationBuilder builder) =>
        builder.ExecutionContext.IsPublishMode ? ContainerArchiveRoot : Resolve(builder);

    public static string RepositoryRoot(IDistributedApplicationBuilder builder) => Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
}
