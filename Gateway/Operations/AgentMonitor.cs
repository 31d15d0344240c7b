using Microsoft.Extensions.Options;
using StockPlatform.Gateway.Events;
using StockPlatform.Storage.Agents;
using StockPlatform.Storage.Jobs;

namespace StockPlatform.Gateway.Operations;

/// <summary>
/// Watches the agents through their stored heartbeats, once per heartbeat interval: puts each
/// instance's status changes on <c>GET /events</c> (<c>agent.status</c>), raises an alert when an
/// instance falls silent, says it is stalled, or holds a job that stops moving (logged at warning,
/// stored, pushed as <c>alert.raised</c>), clears it when the cause is gone (<c>alert.cleared</c>),
/// and forgets instances long gone or replaced. Several gateways may watch at once: the store lets
/// one raise each alert.
/// </summary>
public sealed partial class AgentMonitor(
    AgentStore agents,
    EventFeed feed,
    IOptions<OperationsOptions> options,
    TimeProvider time,
    ILogger<AgentMonitor> logger) : BackgroundService
{
    /// <summary>The alert raised for a silent instance.</summary>
    public const string AgentStalled = "agent-stalled";

    /// <summary>The alert raised for a job without progress.</summary>
    public const string JobStalled = "job-stalled";

    /// <summary>How long cleared alerts are kept for <c>GET /alerts?active=false</c>.</summary>
    public static readonly TimeSpan ClearedAlertsKept = TimeSpan.FromDays(30);

    // Touched only inside a check, and checks run one at a time (_checking): the loop's and any
    // second caller's (a test) alike.
    private readonly Dictionary<(string Agent, string Instance), string> _statuses = [];

    private readonly SemaphoreSlim _checking = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckInterval, time);
        do
        {
            try
            {
                await CheckAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The database may be down (a timeout surfaces as a cancellation too): the agents are judged again next time.
                LogCheckFailed(ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>The agent that runs a kind of job.</summary>
    public static string AgentOf(string jobKind) => jobKind == JobKinds.FeatureRebuild ? "features" : "ingestion";

    internal async Task CheckAsync(CancellationToken cancellationToken)
    {
        // One check at a time: a check that read the beats before a newer one was recorded would
        // otherwise clear the alert another check had just raised for it.
        await _checking.WaitAsync(cancellationToken);
        try
        {
            await CheckOnceAsync(cancellationToken);
        }
        finally
        {
            _checking.Release();
        }
    }

    private async Task CheckOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var beats = await agents.ListBeatsAsync(cancellationToken);
        var quiet = await agents.ListQuietJobsAsync(now - settings.JobStalledAfter, cancellationToken);
        var paused = (await agents.ListControlsAsync(cancellationToken)).Where(control => control.Paused).Select(control => control.Agent).ToHashSet();
        // A paused agent's jobs wait by request, not because something is stuck.
        quiet = [.. quiet.Where(job => !paused.Contains(AgentOf(job.Kind)))];
        var quietOwners = quiet.SelectMany(job => job.LeaseOwners).ToHashSet();

        foreach (var beat in beats)
        {
            var status = AgentHealth.StatusOf(beat, now, settings, quietOwners);
            var key = (beat.Agent, beat.Instance);
            if (_statuses.TryGetValue(key, out var previous) && previous == status) continue;
            _statuses[key] = status;
            feed.Append("agent.status", [], new { agent = beat.Agent, instance = beat.Instance, status, state = beat.State, at = now.UtcDateTime }, now);
        }
        // Instances another gateway forgot are gone from the store: forget them here too.
        var present = beats.Select(beat => (beat.Agent, beat.Instance)).ToHashSet();
        foreach (var gone in _statuses.Keys.Where(key => !present.Contains(key)).ToList()) _statuses.Remove(gone);

        await RaiseAsync(beats, quiet, now, cancellationToken);
        await ClearAsync(beats, quiet, now, cancellationToken);

        foreach (var beat in beats.Where(beat => AgentHealth.CanForget(beat, beats, now, settings)))
            await agents.ForgetAsync(beat.Agent, beat.Instance, cancellationToken);
        await agents.DeleteClearedAlertsAsync(now - ClearedAlertsKept, cancellationToken);
    }

    private async Task RaiseAsync(IReadOnlyList<AgentBeat> beats, IReadOnlyList<QuietJob> quiet, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        foreach (var beat in beats.Where(beat => AgentHealth.WentSilent(beat, now, settings)))
        {
            var silence = (now - beat.SeenAt).TotalSeconds;
            var raised = await agents.RaiseAsync(AgentStalled, beat.Agent, beat.Instance, null,
                $"{beat.Agent} instance {beat.Instance} has sent no heartbeat for {silence:0} s (it was {beat.State})", cancellationToken);
            if (raised is not null) Announce(raised, now);
        }
        foreach (var beat in beats.Where(beat => AgentHealth.SaysStalled(beat, now, settings)))
        {
            var raised = await agents.RaiseAsync(AgentStalled, beat.Agent, beat.Instance, null,
                $"{beat.Agent} instance {beat.Instance} reports itself stalled ({beat.Task ?? "no task"})", cancellationToken);
            if (raised is not null) Announce(raised, now);
        }
        foreach (var job in quiet)
        {
            var minutes = (now - job.UpdatedAt).TotalMinutes;
            var raised = await agents.RaiseAsync(JobStalled, AgentOf(job.Kind), job.LeaseOwners.FirstOrDefault(), job.Id,
                $"{job.Kind} job {job.Id} ({job.Symbols}) has made no progress for {minutes:0.#} min", cancellationToken);
            if (raised is not null) Announce(raised, now);
        }
    }

    private async Task ClearAsync(IReadOnlyList<AgentBeat> beats, IReadOnlyList<QuietJob> quiet, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var byInstance = beats.ToDictionary(beat => (beat.Agent, beat.Instance));
        var quietJobs = quiet.Select(job => job.Id).ToHashSet();
        var over = new List<long>();
        foreach (var alert in await agents.ListAlertsAsync(activeOnly: true, limit: 1000, cancellationToken))
        {
            var gone = alert.Kind switch
            {
                // Heard again (and not stalled by its own account), stopped cleanly, forgotten, or replaced by a newer instance that is alive.
                AgentStalled => alert.Instance is null
                    || !byInstance.TryGetValue((alert.Agent, alert.Instance), out var beat)
                    || (!AgentHealth.WentSilent(beat, now, settings) && !AgentHealth.SaysStalled(beat, now, settings))
                    || AgentHealth.IsReplaced(beat, beats, now, settings),
                JobStalled => alert.JobId is not { } jobId || !quietJobs.Contains(jobId),
                _ => false,
            };
            if (gone) over.Add(alert.Id);
        }
        foreach (var cleared in await agents.ClearAsync(over, cancellationToken))
        {
            LogCleared(cleared.Kind, cleared.Message);
            feed.Append("alert.cleared", [], AlertResponse.From(cleared), now);
        }
    }

    private void Announce(AgentAlert alert, DateTimeOffset now)
    {
        LogRaised(alert.Kind, alert.Message);
        feed.Append("alert.raised", [], AlertResponse.From(alert), now);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {Kind}: {Message}")]
    private partial void LogRaised(string kind, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {Kind} cleared: {Message}")]
    private partial void LogCleared(string kind, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The agents could not be checked: {Reason}")]
    private partial void LogCheckFailed(string reason);
}
