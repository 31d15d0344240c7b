using Microsoft.Extensions.Configuration;

namespace StockPlatform.AppHost.Infrastructure;

internal static class DataDirectory
{
    /// <summary><c>Local:DataDirectory</c>, else <c>STOCKPLATFORM_DATA_DIR</c>, else <c>.data</c> in the repository (git-ignored).</summary>
    public static string Resolve(IDistributedApplicationBuilder builder) => Path.GetFullPath(
        builder.Configuration[$"{LocalInfrastructureOptions.SectionName}:{nameof(LocalInfrastructureOptions.DataDirectory)}"]
        ?? builder.Configuration["STOCKPLATFORM_DATA_DIR"]
        ?? Path.Combine(RepositoryRoot(builder), ".data"));

    public static string RepositoryRoot(IDistributedApplicationBuilder builder) => Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
}
