using System.Threading.Channels;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace StockPlatform.ServiceDefaults.Messaging;

/// <summary>
/// Starts the bus again after a start that gave up. MassTransit retries the connection only
/// within one start (60 s unless told otherwise); a broker still away at its end (a service
/// started while RabbitMQ restarts) leaves the bus stopped for good, "Not ready: not started",
/// though the broker comes back a moment later. Each faulted start is followed by another, after
/// a back-off growing from 2 s to 30 s, until one succeeds.
/// </summary>
public sealed partial class BusStartRetry(IServiceProvider services, BusStartWatch watch, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<BusStartRetry> logger) : BackgroundService
{
    private static readonly TimeSpan FirstWait = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wait = FirstWait;
        // The host stopping stops the bus first: no start may follow that.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        stoppingToken = stopping.Token;
        try
        {
            await foreach (var fault in watch.Faults.ReadAllAsync(stoppingToken))
            {
                LogStartFaulted(fault.Message, wait.TotalSeconds);
                await Task.Delay(wait, time, stoppingToken);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, MaxWait.Ticks));
                try
                {
                    // A start that faults again is reported to the watch, which queues the next try.
                    await services.GetRequiredService<IBusControl>().StartAsync(stoppingToken);
                    wait = FirstWait;
                    LogStarted();
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // Reported by the watch's StartFaulted as well; nothing more to do here.
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The message bus did not start ({Reason}); starting it again in {Seconds:0} s")]
    private partial void LogStartFaulted(string reason, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "The message bus started on a later attempt")]
    private partial void LogStarted();
}

/// <summary>Hears the bus's start faults, for <see cref="BusStartRetry"/>.</summary>
public sealed class BusStartWatch : IBusObserver
{
    private readonly Channel<Exception> _faults = Channel.CreateUnbounded<Exception>();

    /// <summary>The start faults not yet answered with another start.</summary>
    public ChannelReader<Exception> Faults => _faults.Reader;

    /// <inheritdoc />
    public void PostCreate(IBus bus) { }

    /// <inheritdoc />
    public void CreateFaulted(Exception exception) { }

    /// <inheritdoc />
    public Task PreStart(IBus bus) => Task.CompletedTask;

    /// <inheritdoc />
    public Task PostStart(IBus bus, Task<BusReady> busReady) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartFaulted(IBus bus, Exception exception)
    {
        _faults.Writer.TryWrite(exception);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task PreStop(IBus bus) => Task.CompletedTask;

    /// <inheritdoc />
    public Task PostStop(IBus bus) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopFaulted(IBus bus, Exception exception) => Task.CompletedTask;
}
