namespace StockPlatform.AppHost.Extensions;

/// <summary>Declares the market-data source once and wires it into the services that fetch or stream bars.</summary>
public static class MarketDataSourceExtensions
{
    private const string MarketSimKey = "marketsim";

    /// <summary>
    /// With <c>Parameters:alpaca-key-id</c> set (for example
    /// <c>dotnet user-secrets set Parameters:alpaca-key-id ...</c> and <c>Parameters:alpaca-secret-key</c>),
    /// declares the keys as secret parameters. Without them, adds MarketSim and points services at it,
    /// so the platform runs out of the box on synthetic data and the dashboard never prompts for keys.
    /// </summary>
    public static MarketDataSource AddMarketDataSource(this IDistributedApplicationBuilder builder)
    {
        var feed = builder.Configuration["ALPACA_FEED"] is { Length: > 0 } configured ? configured : "iex";
        if (!string.IsNullOrWhiteSpace(builder.Configuration["Parameters:alpaca-key-id"]))
        {
            return new MarketDataSource(
                "Alpaca",
                feed,
                builder.AddParameter("alpaca-key-id", secret: true),
                builder.AddParameter("alpaca-secret-key", secret: true),
                MarketSim: null);
        }

        var marketSim = builder.AddProject<Projects.StockPlatform_MarketSim>("marketsim")
            .WithEnvironment("MarketSim__KeyId", MarketSimKey)
            .WithEnvironment("MarketSim__SecretKey", MarketSimKey);
        return new MarketDataSource("MarketSim (synthetic data)", feed, null, null, marketSim);
    }

    /// <summary>Gives a service the ALPACA_* settings of the source, and waits for MarketSim when it is the source.</summary>
    public static IResourceBuilder<ProjectResource> WithMarketData(this IResourceBuilder<ProjectResource> service, MarketDataSource source)
    {
        service.WithEnvironment("ALPACA_FEED", source.Feed);
        if (source.MarketSim is { } marketSim)
        {
            var endpoint = marketSim.GetEndpoint("http");
            return service
                .WithEnvironment("ALPACA_KEY_ID", MarketSimKey)
                .WithEnvironment("ALPACA_SECRET_KEY", MarketSimKey)
                .WithEnvironment("ALPACA_DATA_URL", endpoint)
                .WithEnvironment("ALPACA_TRADING_URL", endpoint)
                .WithEnvironment("ALPACA_STREAM_URL", ReferenceExpression.Create($"ws://{endpoint.Property(EndpointProperty.HostAndPort)}/v2/{source.Feed}"))
                .WaitFor(marketSim);
        }

        return service
            .WithEnvironment("ALPACA_KEY_ID", source.KeyId!)
            .WithEnvironment("ALPACA_SECRET_KEY", source.SecretKey!);
    }
}
