using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StockPlatform.Contracts;

namespace StockPlatform.ServiceDefaults.Agents;

/// <summary>
/// Every <see cref="AgentOptions.HeartbeatInterval"/>: brings the pause in line with the store
/// (the wish survives restarts and missed messages), lets the agent's reporters refresh its status,
/// and publishes an <see cref="AgentHeartbeat"/>. On a clean shutdown it sends a last one with
/// state <c>stopped</c>, so the dashboard tells a stop from a crash.
/// </summary>
internal sealed partial class AgentHeartbeatService(
    AgentIdentity identity,
    AgentStatus status,
    AgentControl control,
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    IOptions<AgentOptions> options,
    TimeProvider time,
    ILogger<AgentHeartbeatService> logger) : BackgroundService
{
    private readonly IAgentControlStore? _store = services.GetService<IAgentControlStore>();
    private readonly IAgentReporter[] _reporters = [.. services.GetServices<IAgentReporter>()];
    private volatile bool _stopped;

    /// <summary>
    /// Reads the pause before the bus starts, so a paused agent restarts paused (its work queues
    /// stop as they come up). A database that does not answer within ten seconds is read again at
    /// the first heartbeat: the agent starts anyway, as it does without its database.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        using (var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            bounded.CancelAfter(TimeSpan.FromSeconds(10));
            try
            {
                await ReconcileAsync(bounded.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                LogControlUnreadable("no answer within 10 s");
            }
        }
        // The last heartbeat goes out when the host starts stopping, before the bus (a hosted
        // service registered after this one) is stopped.
        lifetime.ApplicationStopping.Register(SendStopped);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, time);
        try
        {
            do
            {
                await ReconcileAsync(stoppingToken);
                await PublishAsync(stopped: false, stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the last heartbeat was sent when the host began to stop.
        }
    }

    private void SendStopped()
    {
        // No ordinary beat after this one: it would make a stopped instance look alive again.
        _stopped = true;
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            PublishAsync(stopped: true, bounded.Token).Wait(bounded.Token);
        }
        catch (OperationCanceledException)
        {
            // Not sent in time: the gateway takes the silence for a stop after a while.
        }
    }

    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        if (_store is null) return;
        try
        {
            var paused = await _store.IsPausedAsync(identity.Name, cancellationToken);
            if (paused != control.IsPaused)
            {
                // Not awaited: a pause waits for the work in hand, and heartbeats must go on meanwhile.
                control.Request(paused, "stored state", options.Value.PauseTimeout);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The database may be down: keep the current state and look again next time.
            LogControlUnreadable(ex.Message);
        }
    }

    private async Task PublishAsync(bool stopped, CancellationToken cancellationToken)
    {
        if (_stopped && !stopped) return;
        var now = time.GetUtcNow();
        foreach (var reporter in _reporters) reporter.Report(status, now);
        var report = status.Snapshot(control.IsPaused);
        try
        {
            var bus = services.GetRequiredService<IBus>();
            await bus.Publish(new AgentHeartbeat(identity.Name, identity.Instance, identity.Version, stopped ? "stopped" : report.State,
                report.Task, report.Progress, report.Counters, control.IsPaused, identity.StartedAt, now, options.Value.HeartbeatInterval), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The broker may be restarting; the next beat will go through.
            LogMissedBeat(ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat not published: {Reason}")]
    private partial void LogMissedBeat(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The agent's pause state could not be read: {Reason}")]
    private partial void LogControlUnreadable(string reason);
}
