namespace StockPlatform.AppHost.MarketData;

/// <summary>
/// Where market data comes from: Alpaca, with the keys as secret parameters, or MarketSim when no
/// keys are configured. <see cref="MarketDataSourceExtensions.WithMarketData"/> gives a service
/// the matching ALPACA_* settings.
/// </summary>
public sealed record MarketDataSource(
    string Description,
    IResourceBuilder<ParameterResource> Feed,
    IResourceBuilder<ParameterResource>? KeyId,
    IResourceBuilder<ParameterResource>? SecretKey,
    IResourceBuilder<ProjectResource>? MarketSim);
