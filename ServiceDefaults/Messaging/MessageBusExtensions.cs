using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using StockPlatform.ServiceDefaults.Agents;

namespace StockPlatform.ServiceDefaults.Messaging;

/// <summary>MassTransit over RabbitMQ, the way every StockPlatform service connects to the bus.</summary>
public static class MessageBusExtensions
{
    /// <summary>The connection string name Aspire and the scripts use for RabbitMQ.</summary>
    public const string ConnectionName = "messaging";

    /// <summary>
    /// Adds MassTransit on RabbitMQ from <c>ConnectionStrings:messaging</c>. Each service registers
    /// its own consumers in <paramref name="configure"/>; endpoints are named after the consumers
    /// (kebab case), so two instances of a service share one queue and split its work.
    /// Also registers MassTransit's health check (tagged <c>ready</c>) for <c>/health</c>.
    /// </summary>
    public static TBuilder AddMessageBus<TBuilder>(this TBuilder builder, Action<IBusRegistrationConfigurator>? configure = null)
        where TBuilder : IHostApplicationBuilder
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionName} is not set. Start the local stack with ./scripts/up.sh, " +
                $"or set ConnectionStrings__{ConnectionName}=amqp://user:pass@host:5672.");
        }
        var amqp = AmqpConnection.Parse(connectionString);

        // An optional prefix keeps queues apart when several stacks share one broker (test runs).
        var prefix = builder.Configuration["Messaging:EndpointPrefix"];
        // Queues alone do not separate platforms: published events go to one exchange per message
        // type, so every platform on a broker would hear every other one's heartbeats, tracking
        // changes and pause commands. A namespace prefixes those exchanges too; all services of one
        // platform share it (a platform per vhost needs none).
        var ns = builder.Configuration["Messaging:Namespace"];
        // An agent (AddAgent first) hears pause and resume commands, and lets them stop its work queues.
        var agent = builder.Services.HasAgent();
        // A start that gave up (the broker away for longer than one start waits) is tried again.
        builder.Services.AddSingleton<BusStartWatch>();
        builder.Services.AddBusObserver(provider => provider.GetRequiredService<BusStartWatch>());
        builder.Services.AddMassTransit(bus =>
        {
            if (string.IsNullOrWhiteSpace(prefix)) bus.SetKebabCaseEndpointNameFormatter();
            else bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(prefix, false));
            configure?.Invoke(bus);
            if (agent)
            {
                bus.AddConsumer<ControlAgentConsumer, ControlAgentConsumerDefinition>();
                bus.AddReceiveEndpointObserver<AgentEndpointObserver>();
            }
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(amqp.Host, (ushort)amqp.Port, amqp.VirtualHost, host =>
                {
                    host.Username(amqp.UserName);
                    host.Password(amqp.Password);
                    if (amqp.UseTls) host.UseSsl(ssl => ssl.ServerName = amqp.Host);
                });
                // Transient faults (a database restart) are retried in place before the message is
                // handed to the error queue; consumers are idempotent, so a retry is always safe.
                rabbit.UseMessageRetry(retry => retry.Exponential(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(500)));
                if (!string.IsNullOrWhiteSpace(ns))
                    rabbit.MessageTopology.SetEntityNameFormatter(new PrefixEntityNameFormatter(rabbit.MessageTopology.EntityNameFormatter, ns + "."));
                rabbit.ConfigureEndpoints(context);
            });
        });

        // Do not block start-up on the broker: the service comes up, /health reports the bus as
        // unhealthy, and MassTransit keeps reconnecting until RabbitMQ is back.
        builder.Services.Configure<MassTransitHostOptions>(options =>
        {
            options.WaitUntilStarted = false;
            options.StopTimeout = TimeSpan.FromSeconds(30);
        });
        // A start that gave up (the broker away longer than MassTransit's start timeout) is tried again.
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<BusStartRetry>();
        return builder;
    }
}
