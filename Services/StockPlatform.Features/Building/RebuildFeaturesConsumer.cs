using MassTransit;
using Microsoft.Extensions.Options;
using StockPlatform.Contracts;
using StockPlatform.Features.Calculation;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.ServiceDefaults.Agents;
using StockPlatform.Storage.Jobs;

namespace StockPlatform.Features.Building;

/// <summary>
/// Runs one task of a feature-rebuild job: claims it (a redelivered or duplicate message finds it
/// claimed or done and does nothing), recomputes the set for the symbol from the task's first
/// session on, archives the sessions recomputed, and reports progress as it goes. A fault is
/// retried a bounded number of times, then the task fails with the reason.
/// </summary>
public sealed partial class RebuildFeaturesConsumer(
    SymbolRefresher refresher,
    JobStore jobs,
    AgentIdentity identity,
    AgentStatus status,
    AgentControl control,
    IOptions<FeaturesOptions> options,
    TimeProvider time,
    ILogger<RebuildFeaturesConsumer> logger) : IConsumer<RebuildFeatures>
{
    /// <inheritdoc />
    public async Task Consume(ConsumeContext<RebuildFeatures> context)
    {
        var message = context.Message;
        var settings = options.Value;
        // A pause hands the rebuild back (the job's progress is kept; the sweeper sends it again after the pause).
        using var work = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, control.PausedToken);
        var stopping = work.Token;
        if (control.IsPaused)
        {
            await jobs.MarkUnsentAsync([message.TaskId], CancellationToken.None);
            return;
        }
        if (await jobs.ClaimTaskAsync(message.TaskId, identity.Instance, settings.TaskLease, stopping) is not { } task) return;
        var key = task.Id.ToString("N");
        status.BeginTask(key, $"rebuild {task.Symbol} {message.FeatureSet} v{message.Version}", 0);

        using var renewing = new CancellationTokenSource();
        var renewal = RenewAsync(task.Id, settings.TaskLease, renewing.Token);
        try
        {
            var set = FeatureSets.Find(message.FeatureSet, message.Version);
            if (set is null || !Symbol.TryParse(message.Symbol, out var symbol))
            {
                await FailAsync(context, task, $"feature set {message.FeatureSet} v{message.Version} is not defined in this build ({FeatureRegistry.CodeRef})", permanent: true);
                return;
            }
            var sessionsTotal = NyseCalendar.GetTradingDays(task.Start, task.End).Count();
            // From the first session asked for to the last bar: values after a change depend on it.
            DateTimeOffset? from = message.Start.Year <= NyseCalendar.FirstYear ? null : NewYorkTime.StartOfDay(message.Start);
            var result = await refresher.RefreshAsync(symbol, [set], from, [], async fraction =>
            {
                var done = (int)Math.Floor(sessionsTotal * fraction);
                status.UpdateTask(key, $"rebuild {task.Symbol} {message.FeatureSet} v{message.Version}", fraction);
                if (await jobs.UpdateTaskProgressAsync(task.Id, identity.Instance, sessionsTotal, Math.Min(done, sessionsTotal), 0, 0, stopping) is { } job)
                    await context.Publish(new JobProgressed(job.Id, job.Symbol, job.SessionsDone, job.SessionsTotal, job.BarsInserted, job.BarsCorrected, time.GetUtcNow()), stopping);
            }, stopping);

            var finished = await jobs.CompleteTaskAsync(task.Id, identity.Instance, sessionsTotal, result.FeatureRows, 0, stopping);
            LogRebuilt(message.Symbol, set.Name, set.Version, result.FeatureRows, result.FeaturePartitions);
            status.Count("rebuilds_done");
            status.Count("feature_rows", result.FeatureRows);
            if (finished is { Status: JobStatus.Succeeded })
                await context.Publish(new JobCompleted(finished.Id, finished.Symbol, finished.SessionsTotal, finished.BarsInserted, finished.BarsCorrected, time.GetUtcNow()), stopping);
        }
        // The pause's token, not the pause state now: a resume may already have followed.
        catch (OperationCanceledException) when (work.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            await jobs.ReleaseAsync(task.Id, identity.Instance, CancellationToken.None);
            LogHandedBack(task.Symbol);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await FailAsync(context, task, $"{ex.GetType().Name}: {ex.Message}", permanent: false);
        }
        finally
        {
            status.EndTask(key);
            await renewing.CancelAsync();
            await renewal;
        }
    }

    private async Task FailAsync(ConsumeContext context, JobTask task, string reason, bool permanent)
    {
        var settings = options.Value;
        DateTimeOffset? retryAt = permanent || task.Attempts >= settings.MaxTaskAttempts ? null : time.GetUtcNow() + TimeSpan.FromSeconds(5 * task.Attempts);
        LogFailed(task.Symbol, task.Attempts, reason, retryAt);
        var job = await jobs.RecordFailureAsync(task.Id, identity.Instance, $"{task.Symbol}: {reason}", retryAt, CancellationToken.None);
        if (job is { Status: JobStatus.Failed })
            await context.Publish(new JobFailed(job.Id, job.Symbol, job.Error ?? reason, time.GetUtcNow()), CancellationToken.None);
    }

    // Keeps the claim while a long rebuild runs; another agent takes the task only once it lapses.
    private async Task RenewAsync(Guid taskId, TimeSpan lease, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(lease / 3, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await jobs.RenewLeasesAsync([taskId], identity.Instance, lease, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogRenewFailed(taskId, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The task ended.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rebuilt {FeatureSet} v{Version} of {Symbol}: {Rows} rows, {Partitions} feature partitions archived")]
    private partial void LogRebuilt(string symbol, string featureSet, int version, int rows, int partitions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rebuild of {Symbol} failed on attempt {Attempt}: {Reason}; retry at {RetryAt}")]
    private partial void LogFailed(string symbol, int attempt, string reason, DateTimeOffset? retryAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew the lease of rebuild task {TaskId}: {Reason}")]
    private partial void LogRenewFailed(Guid taskId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Paused: the rebuild of {Symbol} is handed back, to go on after the pause")]
    private partial void LogHandedBack(string symbol);
}
