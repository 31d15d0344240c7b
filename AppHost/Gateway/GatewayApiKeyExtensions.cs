using StockPlatform.AppHost.Infrastructure;

namespace StockPlatform.AppHost.Gateway;

/// <summary>The key the gateway requires for every state change, as a secret parameter.</summary>
public static class GatewayApiKeyExtensions
{
    /// <summary>
    /// <c>Parameters:gateway-api-key</c> (user secrets) or <c>GATEWAY_API_KEY</c> when given;
    /// otherwise a key generated once into the data directory's <c>secrets.env</c> (mode 0600,
    /// git-ignored) beside the servers' passwords, where scripts and users read it. A published
    /// manifest leaves the value to the deployment (a secret input), so none is generated then.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddGatewayApiKey(this IDistributedApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        if (builder.ExecutionContext.IsRunMode && string.IsNullOrWhiteSpace(configuration["Parameters:gateway-api-key"]))
        {
            configuration["Parameters:gateway-api-key"] = configuration["GATEWAY_API_KEY"] is { Length: > 0 } given
                ? given
                : LocalSecrets.LoadOrCreate(DataDirectory.Resolve(builder)).GatewayApiKey;
        }
        return builder.AddParameter("gateway-api-key", secret: true);
    }
}
