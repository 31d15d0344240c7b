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

// Alpaca credentials are secret parameters, set once with
//   dotnet user-secrets set Parameters:alpaca-key-id <key> (and Parameters:alpaca-secret-key).
// They are optional: declared only when given, so the dashboard never prompts for them, and the
// market-data services fall back to MarketSim without them.
var alpacaConfigured = !string.IsNullOrWhiteSpace(builder.Configuration["Parameters:alpaca-key-id"]);
var alpacaKeyId = alpacaConfigured ? builder.AddParameter("alpaca-key-id", secret: true) : null;
var alpacaSecretKey = alpacaConfigured ? builder.AddParameter("alpaca-secret-key", secret: true) : null;

builder.AddProject<Projects.StockPlatform_Gateway>("gateway")
    .WithReference(database).WaitFor(database)
    .WithReference(messaging).WaitFor(messaging)
    .WithExternalHttpEndpoints();

builder.Build().Run();
