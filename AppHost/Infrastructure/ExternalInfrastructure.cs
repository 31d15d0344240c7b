using Microsoft.Extensions.Configuration;

namespace StockPlatform.AppHost.Infrastructure;

internal static class ExternalInfrastructure
{
    /// <summary>Managed servers: the AppHost passes their connection strings on and starts neither.</summary>
    public static PlatformInfrastructure AddExternalInfrastructure(this IDistributedApplicationBuilder builder)
    {
        foreach (var name in new[] { "stockplatform", "messaging" })
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
