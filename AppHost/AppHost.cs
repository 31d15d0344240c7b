using StockPlatform.AppHost.Extensions;

var builder = DistributedApplication.CreateBuilder(args);

// Hot store: PostgreSQL with TimescaleDB. The image must be set before the data volume, whose
// mount path depends on it. A persistent container keeps a week-long backfill across AppHost restarts.
var postgres = builder.AddPostgres("postgres")
    .WithImage("timescale/timescaledb", "latest-pg17")
    .WithDataVolume("stockplatform-pgdata")
    .WithLifetime(ContainerLifetime.Persistent);
var database = postgres.AddDatabase("stockplatform");

// Message bus; services receive it as ConnectionStrings__messaging (an amqp:// URI).
var messaging = builder.AddRabbitMQ("messaging")
    .WithManagementPlugin()
    .WithDataVolume("stockplatform-rabbitmq")
    .WithLifetime(ContainerLifetime.Persistent);

// Market data: Alpaca with the user's keys, or MarketSim (synthetic data) when none are given.
var marketData = builder.AddMarketDataSource();

// The historical backfill agent: consumes backfill windows, fetches from Alpaca (or MarketSim).
builder.AddProject<Projects.StockPlatform_Ingestion>("ingestion")
    .WithReference(database).WaitFor(database)
    .WithReference(messaging).WaitFor(messaging)
    .WithMarketData(marketData);

builder.AddProject<Projects.StockPlatform_Gateway>("gateway")
    .WithReference(database).WaitFor(database)
    .WithReference(messaging).WaitFor(messaging)
    .WithEnvironment("STOCKPLATFORM_MARKET_DATA", marketData.Description)
    .WithExternalHttpEndpoints();

builder.Build().Run();
