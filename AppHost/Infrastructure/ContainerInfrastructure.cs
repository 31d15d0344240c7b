namespace StockPlatform.AppHost.Infrastructure;

internal static class ContainerInfrastructure
{
    /// <summary>The TimescaleDB release the storage tests run against; a floating tag would change it under users.</summary>
    public const string TimescaleImageTag = "2.28.3-pg17";

    /// <summary>TimescaleDB and RabbitMQ containers with data volumes that outlive the AppHost.</summary>
    public static PlatformInfrastructure AddContainerInfrastructure(this IDistributedApplicationBuilder builder)
    {
        // The image must be set before the data volume, whose mount path depends on it. A persistent
        // container keeps a week-long backfill across AppHost restarts.
        var postgres = builder.AddPostgres("postgres")
            .WithImage("timescale/timescaledb", TimescaleImageTag)
            .WithDataVolume("stockplatform-pgdata")
            .WithLifetime(ContainerLifetime.Persistent);
        var database = postgres.AddDatabase("stockplatform");
        // Aspire creates the database when it runs the container; a deployment of the published
        // manifest has the image's entrypoint create it when the volume is first initialised.
        if (builder.ExecutionContext.IsPublishMode) postgres.WithEnvironment("POSTGRES_DB", "stockplatform");

        // Services receive it as ConnectionStrings__messaging (an amqp:// URI).
        var messaging = builder.AddRabbitMQ("messaging")
            .WithManagementPlugin()
            .WithDataVolume("stockplatform-rabbitmq")
            .WithLifetime(ContainerLifetime.Persistent);

        return new PlatformInfrastructure(InfrastructureMode.Containers, database, messaging, []);
    }
}
