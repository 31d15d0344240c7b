using MassTransit;
using Microsoft.Extensions.Logging;

namespace StockPlatform.ServiceDefaults.Agents;

/// <summary>
/// Pause and resume for one agent instance. Paused, the agent takes no new work: its work queues'
/// receive endpoints are stopped (the messages wait in RabbitMQ), <see cref="PausedToken"/> is
/// cancelled so the work in hand checkpoints and hands back what it has not done, and background
/// loops wait in <see cref="WaitUntilResumedAsync"/>. Resumed, the endpoints start again.
/// Per-instance endpoints (this control's own, the tracking and event broadcasts) keep running:
/// they carry commands and news, not work.
/// </summary>
public sealed partial class AgentControl(ILogger<AgentControl> logger)
{
    private readonly SemaphoreSlim _changing = new(1, 1);
    private readonly Lock _lock = new();
    private readonly List<IReceiveEndpoint> _workEndpoints = [];
    // Each endpoint's last stop: MassTransit refuses to start an endpoint whose stop is still
    // running, so a resume waits for it (a pause past its timeout goes on in the background).
    private readonly Dictionary<IReceiveEndpoint, Task> _stops = [];
    private CancellationTokenSource _pause = new();
    private TaskCompletionSource _resumed = CompletedSource();
    private volatile bool _paused;

    /// <summary>Whether the agent is paused.</summary>
    public bool IsPaused => _paused;

    /// <summary>Cancelled while the agent is paused: long work links it, to checkpoint and hand its work back.</summary>
    public CancellationToken PausedToken
    {
        get
        {
            lock (_lock) return _pause.Token;
        }
    }

    /// <summary>Completes at once when running, or when the agent is resumed.</summary>
    public Task WaitUntilResumedAsync(CancellationToken cancellationToken)
    {
        Task resumed;
        lock (_lock) resumed = _resumed.Task;
        return resumed.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Pauses or resumes; nothing happens when already in that state. Pausing returns once the
    /// work endpoints have stopped (their work in hand finished or handed back) or
    /// <paramref name="timeout"/> has passed.
    /// </summary>
    public async Task SetPausedAsync(bool paused, string reason, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await _changing.WaitAsync(cancellationToken);
        try
        {
            if (paused == _paused) return;
            List<IReceiveEndpoint> endpoints;
            lock (_lock)
            {
                _paused = paused;
                if (paused)
                {
                    _resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                else
                {
                    _pause.Dispose();
                    _pause = new CancellationTokenSource();
                    _resumed.TrySetResult();
                }
                endpoints = [.. _workEndpoints];
            }

            if (paused)
            {
                // Stop first, so no new delivery starts, and cancel the work in hand while the stop waits for it.
                var stopping = Task.WhenAll(endpoints.Select(StopInBackground));
                await _pause.CancelAsync();
                await WaitBoundedAsync(stopping, timeout);
                LogPaused(reason, endpoints.Count);
            }
            else
            {
                await WaitBoundedAsync(Task.WhenAll(endpoints.Select(endpoint => StartAfterStopAsync(endpoint, timeout))), timeout * 2);
                LogResumed(reason, endpoints.Count);
            }
        }
        finally
        {
            _changing.Release();
        }
    }

    /// <summary>Called as each receive endpoint becomes ready: work endpoints are remembered, and stopped at once while paused.</summary>
    internal void EndpointReady(IReceiveEndpoint endpoint)
    {
        if (!IsWorkQueue(endpoint.InputAddress)) return;
        bool stopNow;
        lock (_lock)
        {
            if (!_workEndpoints.Contains(endpoint)) _workEndpoints.Add(endpoint);
            stopNow = _paused;
        }
        // Started while paused (the bus came up, or reconnected after a broker restart): stop it
        // again outside MassTransit's notification.
        if (stopNow) StopInBackground(endpoint);
    }

    /// <summary>
    /// Pauses or resumes without waiting (from a consumer or a timer that must not be held up);
    /// a failure is logged, never lost in an unobserved task.
    /// </summary>
    public void Request(bool paused, string reason, TimeSpan timeout) => _ = RequestAsync(paused, reason, timeout);

    private async Task RequestAsync(bool paused, string reason, TimeSpan timeout)
    {
        try
        {
            await SetPausedAsync(paused, reason, timeout);
        }
        catch (Exception ex)
        {
            LogEndpointFault(ex.Message);
        }
    }

    private Task StopInBackground(IReceiveEndpoint endpoint)
    {
        lock (_lock)
        {
            var previous = _stops.GetValueOrDefault(endpoint, Task.CompletedTask);
            // Scheduled, not run here: MassTransit's stop must not run under this lock.
            var stop = Task.Run(() => StopAfterAsync(previous, endpoint));
            _stops[endpoint] = stop;
            return stop;
        }
    }

    private async Task StopAfterAsync(Task previous, IReceiveEndpoint endpoint)
    {
        await previous;
        try
        {
            await endpoint.Stop(CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogEndpointFault(ex.Message);
        }
    }

    private async Task StartAfterStopAsync(IReceiveEndpoint endpoint, TimeSpan timeout)
    {
        Task stop;
        lock (_lock) stop = _stops.GetValueOrDefault(endpoint, Task.CompletedTask);
        await stop;
        try
        {
            await endpoint.Start(CancellationToken.None).Ready.WaitAsync(timeout);
        }
        catch (Exception ex)
        {
            // The broker may be away: MassTransit starts the endpoint when it reconnects.
            LogEndpointFault(ex.Message);
        }
    }

    /// <summary>
    /// Shared, durable queues hold work; temporary per-instance queues (auto-deleted) carry
    /// broadcasts every instance must hear, this control's own included.
    /// </summary>
    internal static bool IsWorkQueue(Uri inputAddress)
    {
        var query = inputAddress.Query;
        return !(query.Contains("temporary=true", StringComparison.OrdinalIgnoreCase)
            || query.Contains("autodelete=true", StringComparison.OrdinalIgnoreCase)
            || query.Contains("durable=false", StringComparison.OrdinalIgnoreCase));
    }

    private async Task WaitBoundedAsync(Task task, TimeSpan timeout)
    {
        try
        {
            await task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            LogSlowChange(timeout.TotalSeconds);
        }
        catch (Exception ex)
        {
            LogEndpointFault(ex.Message);
        }
    }

    private static TaskCompletionSource CompletedSource()
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.SetResult();
        return source;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Paused ({Reason}): {Count} work queues stopped, no new work is taken until resumed")]
    private partial void LogPaused(string reason, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resumed ({Reason}): {Count} work queues started again")]
    private partial void LogResumed(string reason, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The work queues did not finish changing state within {Seconds:0} s; they go on in the background")]
    private partial void LogSlowChange(double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A work queue could not change state: {Reason}")]
    private partial void LogEndpointFault(string reason);
}
