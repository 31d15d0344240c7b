using Microsoft.Extensions.Configuration;

namespace StockPlatform.AppHost.MarketData;

/// <summary>Declares the market-data source once and wires it into the services that fetch or stream bars.</summary>
public static class MarketDataSourceExtensions
{
    private const string MarketSimKey = "marketsim";

    /// <summary>Alpaca endpoints users may point elsewhere (paper trading, a proxy); passed on when set.</summary>
    private static readonly string[] AlpacaUrlSettings = ["ALPACA_DATA_URL", "ALPACA_TRADING_URL", "ALPACA_STREAM_URL"];

    /// <summary>
    /// With Alpaca keys (<c>Parameters:alpaca-key-id</c> and <c>Parameters:alpaca-secret-key</c> in user
    /// secrets, or the <c>ALPACA_KEY_ID</c> and <c>ALPACA_SECRET_KEY</c> variables users know from
    /// Alpaca's tools), declares them as secret parameters. Without them, adds MarketSim and points
    /// services at it, so the platform runs out of the box on synthetic data and the dashboard
    /// never prompts for keys. The feed is a parameter (<c>ALPACA_FEED</c>, default iex).
    /// </summary>
    public static MarketDataSource AddMarketDataSource(this IDistributedApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        CopyIfUnset(configuration, "ALPACA_KEY_ID", "Parameters:alpaca-key-id");
        CopyIfUnset(configuration, "ALPACA_SECRET_KEY", "Parameters:alpaca-secret-key");
        CopyIfUnset(configuration, "ALPACA_FEED", "Parameters:alpaca-feed");
        var feed = builder.AddParameter("alpaca-feed", configuration["Parameters:alpaca-feed"] is { Length: > 0 } configured ? configured : "iex");

        if (!string.IsNullOrWhiteSpace(configuration["Parameters:alpaca-key-id"]))
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
            .WithEnvironment("MarketSim__SecretKey", MarketSimKey)
            .WithHttpHealthCheck("/health");
        if (configuration["MARKETSIM_SPEED"] is { Length: > 0 } speed) marketSim.WithEnvironment("MarketSim__Stream__Speed", speed);
        // Where the simulated clock starts (e.g. a trading morning, to watch a session outside market hours).
        if (configuration["MARKETSIM_START"] is { Length: > 0 } start) marketSim.WithEnvironment("MarketSim__Stream__Start", start);
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
                .WithEnvironment("ALPACA_STREAM_URL", ReferenceExpression.Create($"ws://{endpoint.Property(EndpointProperty.HostAndPort)}/v2/{{feed}}"))
                .WaitFor(marketSim);
        }

        service
            .WithEnvironment("ALPACA_KEY_ID", source.KeyId!)
            .WithEnvironment("ALPACA_SECRET_KEY", source.SecretKey!);
        foreach (var setting in AlpacaUrlSettings)
        {
            if (service.ApplicationBuilder.Configuration[setting] is { Length: > 0 } url) service.WithEnvironment(setting, url);
        }
        return service;
    }

    private static void CopyIfUnset(IConfiguration configuration, string from, string to)
    {
        if (string.IsNullOrWhiteSpace(configuration[to]) && configuration[from] is { Length: > 0 } value) configuration[to] = value;
    }
}
