using Microsoft.Extensions.Configuration;

namespace StockPlatform.AppHost.Infrastructure;

internal static class ExternalInfrastructure
{
    /// <summary>
    /// Managed servers: the AppHost passes their connection strings on and starts neither. A published
    /// manifest asks the deployment for them instead, so they need not be set then.
    /// </summary>
    public static PlatformInfrastructure AddExternalInfrastructure(this IDistributedApplicationBuilder builder)
    {
        foreach (var name in builder.ExecutionContext.IsPublishMode ? [] : new[] { "stockplatform", "messaging" })
        {
            if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(name)))
            {
                throw new InvalidOperationException(
                    $"Infrastructure=external needs ConnectionStrings__{name} " +
                    (name == "stockplatform"
                        ? "(Host=...;Port=...;Database=stockplatform;Username=...;Password=...)."
                        : "(amqp://user:pass@host:5672/vhost)."));
            }
        }

        return new PlatformInfrastructure(
            InfrastructureMode.External,
            builder.AddConnectionString("stockplatform"),
            builder.AddConnectionString("messaging"),
            []);
    }
}
