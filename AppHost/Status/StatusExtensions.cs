using Microsoft.Extensions.DependencyInjection;

namespace StockPlatform.AppHost.Status;

internal static class StatusExtensions
{
    /// <summary>Publishes the AppHost's pid and its resources' states under <c>{data directory}/run</c>.</summary>
    public static IDistributedApplicationBuilder AddResourceStatusFile(this IDistributedApplicationBuilder builder, string dataDirectory)
    {
        builder.Services.AddSingleton(new RunDirectory(Path.Combine(dataDirectory, "run")));
        builder.Services.AddHostedService<ResourceStatusWriter>();
        return builder;
    }
}
