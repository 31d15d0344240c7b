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

// The live updater: streams tracked symbols' minutes (one connection per account: the instances elect a leader).
var livestream = builder.AddProject<Projects.StockPlatform_LiveStream>("livestream")
    .WithHttpHealthCheck("/health")
    .WithInfrastructure(infrastructure)
    .WithMarketData(marketData);

// The Parquet archive (and its DuckDB catalog) lives in the data directory: the feature agent
// writes it, the gateway reads it. A published manifest names the images' /app/data instead.
var dataDirectory = DataDirectory.Resolve(builder);
var archiveRoot = DataDirectory.ArchiveRoot(builder);

// The feature builder and archiver: recomputes features as bars arrive, archives completed sessions.
var features = builder.AddProject<Projects.StockPlatform_Features>("features")
    .WithHttpHealthCheck("/health")
    .WithInfrastructure(infrastructure)
    .WithEnvironment("Archive__Root", archiveRoot);

// The query gateway: the API key it requires for changes is a secret parameter.
var gatewayApiKey = builder.AddGatewayApiKey();
var gateway = builder.AddProject<Projects.StockPlatform_Gateway>("gateway")
    .WithHttpHealthCheck("/health")
    .WithInfrastructure(infrastructure)
    .WithEnvironment("GATEWAY_API_KEY", gatewayApiKey)
    .WithEnvironment("STOCKPLATFORM_MARKET_DATA", marketData.Description)
    .WithEnvironment("Archive__Root", archiveRoot)
    .WithExternalHttpEndpoints();

// The dashboard: talks only to the gateway (with its key, server-side), and asks each service for its health.
var dashboard = builder.AddProject<Projects.StockPlatform_Frontend>("frontend")
    .WithHttpHealthCheck("/health")
    .WithReferenceEnvironment(ReferenceEnvironmentInjectionFlags.ServiceDiscovery)
    .WithReference(gateway).WaitFor(gateway)
    .WithReference(ingestion)
    .WithReference(features)
    .WithReference(livestream)
    .WithEnvironment("GATEWAY_API_KEY", gatewayApiKey)
    .WithExternalHttpEndpoints();
if (marketData.MarketSim is { } marketSim) dashboard.WithReference(marketSim);

builder.AddResourceStatusFile(dataDirectory);

builder.Build().Run();
