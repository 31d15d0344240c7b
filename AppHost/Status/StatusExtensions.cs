using Microsoft.Extensions.DependencyInjection;

namespace StockPlatform.AppHost.Status;

internal static class StatusExtensions
{
    /// <summary>Publishes the AppHost's pid and its resources' states under <c>{data directory}/run</c> (when it runs them, not when it writes a manifest).</summary>
    public static IDistributedApplicationBuilder AddResourceStatusFile(this IDistributedApplicationBuilder builder, string dataDirectory)
    {
        if (builder.ExecutionContext.IsPublishMode) return builder;
        builder.Services.AddSingleton(new RunDirectory(Path.Combine(dataDirectory, "run")));
        builder.Services.AddHostedService<ResourceStatusWriter>();
        return builder;
    }
}
