using StockPlatform.AppHost.Gateway;
using StockPlatform.AppHost.Infrastructure;
using StockPlatform.AppHost.MarketData;
using StockPlatform.AppHost.Status;

var builder = DistributedApplication.CreateBuilder(args);

// PostgreSQL/TimescaleDB and RabbitMQ: containers, this machine's binaries, or managed servers.
var infrastructure = builder.AddPlatformInfrastructure();

// Market data: Alpaca with the user's keys, or MarketSim (synthetic data) when none are given.
var marketData = builder.AddMarketDataSource();

// The historical backfill agent: consumes backfill windows, fetches from Alpaca (or MarketSim).
var ingestion = builder.AddProject<Projects.StockPlatform_Ingestion>("ingestion")
    .WithHttpHealthCheck("/health")
    .WithInfrastructure(infrastructure)
    .WithMarketData(marketData);

// The query gateway: the API key it requires for changes is a secret parameter.
var gatewayApiKey = builder.AddGatewayApiKey();
var gateway = builder.AddProject<Projects.StockPlatform_Gateway>("gateway")
    .WithHttpHealthCheck("/health")
    .WithInfrastructure(infrastructure)
    .WithEnvironment("GATEWAY_API_KEY", gatewayApiKey)
    .WithEnvironment("STOCKPLATFORM_MARKET_DATA", marketData.Description)
    .WithExternalHttpEndpoints();

// The dashboard: talks only to the gateway (with its key, server-side), and asks each service for its health.
var dashboard = builder.AddProject<Projects.StockPlatform_Frontend>("frontend")
    .WithHttpHealthCheck("/health")
    .WithReference(gateway).WaitFor(gateway)
    .WithReference(ingestion)
    .WithEnvironment("GATEWAY_API_KEY", gatewayApiKey)
    .WithExternalHttpEndpoints();
if (marketData.MarketSim is { } marketSim) dashboard.WithReference(marketSim);

builder.AddResourceStatusFile(DataDirectory.Resolve(builder));

builder.Build().Run();
