using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace StockPlatform.AppHost.Infrastructure;

/// <summary>
/// PostgreSQL (with TimescaleDB preloaded when installed) and RabbitMQ from this machine's
/// binaries, as executable resources. <c>scripts/local-server.sh</c> runs each in the foreground
/// as its own user (the same helpers <c>scripts/test.sh</c> uses), so Aspire's stop reaches the
/// server itself; data lives under the data directory.
/// </summary>
internal static class LocalInfrastructure
{
    private const string RabbitMqUser = "stockplatform";

    public static PlatformInfrastructure AddLocalInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(LocalInfrastructureOptions.SectionName).Get<LocalInfrastructureOptions>() ?? new();
        var repositoryRoot = DataDirectory.RepositoryRoot(builder);
        var script = Path.Combine(repositoryRoot, "scripts", "local-server.sh");
        var dataDirectory = DataDirectory.Resolve(builder);
        CheckPrerequisites(script);
        var secrets = LocalSecrets.LoadOrCreate(dataDirectory);
        var timescale = options.Timescale ?? builder.Configuration["STOCKPLATFORM_TIMESCALE"] ?? "on";

        var postgresPassword = builder.AddParameter("postgres-password", secrets.PostgresPassword, secret: true);
        var postgres = builder.AddExecutable("postgres", "bash", repositoryRoot, script, "postgres")
            .WithEndpoint(port: PortOrNull(options.PostgresPort), scheme: "tcp", name: "tcp", isProxied: false);
        var postgresPort = postgres.GetEndpoint("tcp").Property(EndpointProperty.Port);
        postgres
            .WithEnvironment("LOCAL_DATA_DIR", dataDirectory)
            .WithEnvironment("LOCAL_PORT", postgresPort)
            .WithEnvironment("LOCAL_PASSWORD", postgresPassword)
            .WithEnvironment("STOCKPLATFORM_TIMESCALE", timescale);
        var database = builder.AddConnectionString("stockplatform", ReferenceExpression.Create(
            $"Host=127.0.0.1;Port={postgresPort};Database=stockplatform;Username=postgres;Password={postgresPassword}"));
        AddPostgresHealthCheck(builder, postgres, database.Resource);

        var rabbitPassword = builder.AddParameter("rabbitmq-password", secrets.RabbitMqPassword, secret: true);
        var rabbitmq = builder.AddExecutable("rabbitmq", "bash", repositoryRoot, script, "rabbitmq")
            .WithEndpoint(port: PortOrNull(options.RabbitMqPort), scheme: "amqp", name: "tcp", isProxied: false)
            .WithHttpEndpoint(port: PortOrNull(options.RabbitMqManagementPort), name: "management", isProxied: false);
        var amqpPort = rabbitmq.GetEndpoint("tcp").Property(EndpointProperty.Port);
        rabbitmq
            .WithEnvironment("LOCAL_DATA_DIR", dataDirectory)
            .WithEnvironment("LOCAL_PORT", amqpPort)
            .WithEnvironment("LOCAL_MANAGEMENT_PORT", rabbitmq.GetEndpoint("management").Property(EndpointProperty.Port))
            .WithEnvironment("LOCAL_USER", RabbitMqUser)
            .WithEnvironment("LOCAL_PASSWORD", rabbitPassword)
            .WithEnvironment("LOCAL_NODE_NAME", "stockplatform@localhost")
            .WithEnvironment("LOCAL_DIST_PORT", PortOrFree(options.RabbitMqDistributionPort).ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("LOCAL_EPMD_PORT", PortOrFree(options.EpmdPort).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var messaging = builder.AddConnectionString("messaging", ReferenceExpression.Create(
            $"amqp://{RabbitMqUser}:{rabbitPassword}@127.0.0.1:{amqpPort}"));
        AddRabbitMqHealthCheck(builder, rabbitmq, messaging.Resource);

        return new PlatformInfrastructure(InfrastructureMode.Local, database, messaging, [postgres, rabbitmq]);
    }

    /// <summary>Healthy once the stockplatform database answers a query, as the services will use it.</summary>
    private static void AddPostgresHealthCheck(IDistributedApplicationBuilder builder, IResourceBuilder<ExecutableResource> postgres, IResourceWithConnectionString database)
    {
        string? connectionString = null;
        // Ports are allocated by the time a resource starts; the check runs only after that.
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(postgres.Resource, async (_, cancellationToken) =>
            connectionString = await database.GetConnectionStringAsync(cancellationToken));
        var key = "postgres-ready";
        builder.Services.AddHealthChecks().AddNpgSql(_ => connectionString!, name: key);
        postgres.WithHealthCheck(key);
    }

    /// <summary>Healthy once an AMQP connection opens with the platform's user.</summary>
    private static void AddRabbitMqHealthCheck(IDistributedApplicationBuilder builder, IResourceBuilder<ExecutableResource> rabbitmq, IResourceWithConnectionString messaging)
    {
        string? uri = null;
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(rabbitmq.Resource, async (_, cancellationToken) =>
            uri = await messaging.GetConnectionStringAsync(cancellationToken));
        // The check asks for a connection each time; one kept open (it recovers by itself) spares the broker a login per probe.
        IConnection? connection = null;
        var key = "rabbitmq-ready";
        builder.Services.AddHealthChecks().AddRabbitMQ(async _ =>
            connection ??= await new ConnectionFactory { Uri = new Uri(uri!) }.CreateConnectionAsync(), name: key);
        rabbitmq.WithHealthCheck(key);
    }

    /// <summary>Asks the script whether this machine has the servers, so a missing one fails the start with the fix, not a resource that never gets healthy.</summary>
    private static void CheckPrerequisites(string script)
    {
        if (!File.Exists(script)) throw new InvalidOperationException($"Infrastructure=local needs {script}, which is missing.");
        var start = new ProcessStartInfo("bash") { ArgumentList = { script, "check" }, RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Infrastructure=local cannot run on this machine: {error.Trim()} (./scripts/setup.sh installs what is missing).");
        }
    }

    private static int? PortOrNull(int port) => port == 0 ? null : port;

    // Ports that are not endpoints (Erlang distribution, epmd) are picked here when asked for 0.
    private static int PortOrFree(int port)
    {
        if (port != 0) return port;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
