using MassTransit;
using Microsoft.Extensions.Options;
using StockPlatform.Contracts;
using StockPlatform.ServiceDefaults.Agents;
using StockPlatform.ServiceDefaults.Messaging;
using StockPlatform.Storage.Jobs;

namespace StockPlatform.Features.Building;

/// <summary>
/// Sends the rebuild tasks that need a message: never sent (the gateway could not publish), due
/// after a back-off, or whose agent stopped holding them. One sweeper per job kind runs at a time
/// across every agent (the store's advisory lock).
/// </summary>
internal sealed partial class RebuildSweeper(AgentControl control, JobStore jobs, IBus bus, IOptions<FeaturesOptions> options, TimeProvider time, ILogger<RebuildSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        do
        {
            // Paused: nothing new is started until the agent is resumed.
            await control.WaitUntilResumedAsync(stoppingToken);
            try
            {
                // Sent before they are marked sent (the store commits after), within a bound: a
                // sweep cut short by the broker or a kill leaves them due, never marked sent and lost.
                var due = await jobs.TakeDueTasksAsync(options.Value.UnsentTaskGrace, JobKinds.FeatureRebuild, (tasks, token) => bus.PublishAllAsync(
                    tasks.Select(task =>
                    {
                        var (featureSet, version) = JobKinds.ParseFeatureTarget(task.Feed);
                        return new RebuildFeatures(task.JobId, task.Id, task.Symbol, featureSet, version, task.Start, task.End);
                    }), token), stoppingToken);
                if (due.Count > 0) LogResent(due.Count);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database or broker may be down; the next sweep tries again.
                LogSweepFailed(ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent {Count} feature rebuild tasks (unsent, due for a retry, or whose agent stopped)")]
    private partial void LogResent(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep for rebuild tasks failed: {Reason}")]
    private partial void LogSweepFailed(string reason);
}
