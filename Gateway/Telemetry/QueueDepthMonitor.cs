using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using StockPlatform.ServiceDefaults.Messaging;

namespace StockPlatform.Gateway.Telemetry;

/// <summary>
/// Reads how many messages wait in each of the platform's queues, and how many consumers each has,
/// every <see cref="QueueDepthOptions.Interval"/>, for the gauges <c>stockplatform.queue.depth</c>
/// and <c>stockplatform.queue.consumers</c> (tag <c>queue</c>; <see cref="GatewayTelemetry"/>).
/// The gateway reads them, not the agents, so a queue whose agent is down (the case that matters)
/// is still measured. A passive declare over AMQP works on any broker, with or without the
/// management plugin; a queue not declared yet (an agent never started, an error queue no fault
/// has needed) reports nothing.
/// </summary>
internal sealed partial class QueueDepthMonitor : BackgroundService
{
    private const int NotFound = 404;

    private readonly ConcurrentDictionary<string, (long Messages, long Consumers)> _readings = new(StringComparer.Ordinal);
    private readonly QueueDepthOptions _options;
    private readonly IReadOnlyList<string> _queues;
    private readonly ConnectionFactory _factory;
    private readonly TimeProvider _time;
    private readonly ILogger<QueueDepthMonitor> _logger;
    private IConnection? _connection;
    private bool _failing;

    public QueueDepthMonitor(IOptions<QueueDepthOptions> options, IConfiguration configuration, TimeProvider time, ILogger<QueueDepthMonitor> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        var prefix = _options.EndpointPrefix ?? configuration["Messaging:EndpointPrefix"];
        _queues = _options.Queues.Count > 0 ? _options.Queues : PlatformQueues.Names(prefix);
        _factory = CreateFactory(AmqpConnection.Parse(configuration.GetConnectionString(MessageBusExtensions.ConnectionName) ?? string.Empty));
    }

    /// <summary>The monitor's connection settings: without the client's automatic recovery.</summary>
    /// <remarks>
    /// A recovering connection records each channel to reopen it after an outage and forgets it
    /// only when the client closes it. A channel the broker closed (the 404 of a passive declare on
    /// a queue not declared yet) stayed recorded after its disposal, for the life of the gateway:
    /// the soak benchmark found 210 after ten minutes, some 17 KB of heap each, and a broker restart
    /// would have reopened them all. The monitor needs no such recovery: a failed read drops the
    /// connection and the next tick opens a new one.
    /// </remarks>
    internal static ConnectionFactory CreateFactory(AmqpConnection amqp) => new()
    {
        HostName = amqp.Host,
        Port = amqp.Port,
        VirtualHost = amqp.VirtualHost,
        UserName = amqp.UserName,
        Password = amqp.Password,
        Ssl = { Enabled = amqp.UseTls, ServerName = amqp.Host },
        ClientProvidedName = "gateway queue depth",
        AutomaticRecoveryEnabled = false,
        TopologyRecoveryEnabled = false,
    };

    /// <summary>The last reading of each queue found: messages waiting and consumers attached.</summary>
    public IReadOnlyDictionary<string, (long Messages, long Consumers)> Readings => _readings;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.Interval, _time);
        GatewayTelemetry.Add(this);
        try
        {
            do
            {
                try
                {
                    await ReadAsync(stoppingToken);
                    if (_failing) LogRecovered();
                    _failing = false;
                }
                // RabbitMQ.Client reports an RPC timeout as a cancellation: only the gateway's own stop ends the loop.
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // The broker is down or refused us: stale numbers would mislead, so report none until it answers.
                    _readings.Clear();
                    if (!_failing) LogReadFailed(ex.Message);
                    _failing = true;
                    await DropConnectionAsync();
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            GatewayTelemetry.Remove(this);
            _readings.Clear();
            await DropConnectionAsync();
        }
    }

    /// <summary>One passive declare per queue; the broker closes the channel on a queue it does not know, so the next one opens another.</summary>
    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        _connection ??= await _factory.CreateConnectionAsync(cancellationToken);
        IChannel? channel = null;
        try
        {
            foreach (var queue in _queues)
            {
                channel ??= await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
                try
                {
                    var declared = await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
                    _readings[queue] = (declared.MessageCount, declared.ConsumerCount);
                }
                catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == NotFound)
                {
                    _readings.TryRemove(queue, out _);
                    await channel.DisposeAsync();
                    channel = null;
                }
            }
        }
        finally
        {
            if (channel is not null) await channel.DisposeAsync();
        }
    }

    private async Task DropConnectionAsync()
    {
        if (_connection is null) return;
        try
        {
            await _connection.DisposeAsync();
        }
        catch (Exception)
        {
            // Closing a connection the broker already dropped: nothing left to release.
        }
        _connection = null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the queue depths from RabbitMQ ({Reason}); trying again each interval")]
    private partial void LogReadFailed(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading the queue depths from RabbitMQ again")]
    private partial void LogRecovered();
}
