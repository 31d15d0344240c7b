using StockPlatform.Storage.Agents;

namespace StockPlatform.Gateway.Operations;

/// <summary>
/// Judges an agent instance from its last heartbeat: <c>stopped</c> when it said so (a clean
/// shutdown) or has been silent past <see cref="OperationsOptions.StoppedAfter"/>; <c>stalled</c>
/// when silent for <see cref="OperationsOptions.StalledAfterBeats"/> of its own intervals (each
/// heartbeat says how often the instance beats, so agents and gateway need not be configured
/// alike), holding a window of a job that has not moved for
/// <see cref="OperationsOptions.JobStalledAfter"/>, or saying so itself (the live updater's
/// heartbeat state <c>stalled</c>: alive, but its stream has gone silent); else <c>ok</c>.
/// </summary>
public static class AgentHealth
{
    public const string Ok = "ok";
    public const string Stalled = "stalled";
    public const string Stopped = "stopped";

    /// <summary>The status of <paramref name="beat"/>'s instance at <paramref name="now"/>.</summary>
    public static string StatusOf(AgentBeat beat, DateTimeOffset now, OperationsOptions options, ISet<string> instancesOnQuietJobs)
    {
        if (beat.State == Stopped) return Stopped;
        var silence = now - beat.SeenAt;
        if (silence >= StoppedAfter(beat, options)) return Stopped;
        if (silence >= StalledAfter(beat, options) || beat.State == Stalled) return Stalled;
        return instancesOnQuietJobs.Contains(beat.Instance) ? Stalled : Ok;
    }

    /// <summary>Whether the instance beats but says its work is stuck (heartbeat state <c>stalled</c>).</summary>
    public static bool SaysStalled(AgentBeat beat, DateTimeOffset now, OperationsOptions options) =>
        beat.State == Stalled && !WentSilent(beat, now, options);

    /// <summary>Whether the instance went silent (a crash or a hang), as opposed to stopping cleanly.</summary>
    public static bool WentSilent(AgentBeat beat, DateTimeOffset now, OperationsOptions options) =>
        beat.State != Stopped && now - beat.SeenAt >= StalledAfter(beat, options);

    /// <summary>The silence after which this instance is stalled.</summary>
    public static TimeSpan StalledAfter(AgentBeat beat, OperationsOptions options) => beat.Interval * options.StalledAfterBeats;

    private static TimeSpan StoppedAfter(AgentBeat beat, OperationsOptions options) =>
        TimeSpan.FromTicks(Math.Max(options.StoppedAfter.Ticks, 2 * StalledAfter(beat, options).Ticks));

    /// <summary>
    /// Whether a silent or stopped instance can be forgotten: long gone, or replaced by another
    /// instance of its agent that is alive.
    /// </summary>
    public static bool CanForget(AgentBeat beat, IEnumerable<AgentBeat> all, DateTimeOffset now, OperationsOptions options) =>
        now - beat.SeenAt >= options.ForgetAfter
        || (StatusOf(beat, now, options, EmptySet) == Stopped && IsReplaced(beat, all, now, options));

    /// <summary>Whether a newer instance of <paramref name="beat"/>'s agent (started after it) is alive.</summary>
    public static bool IsReplaced(AgentBeat beat, IEnumerable<AgentBeat> all, DateTimeOffset now, OperationsOptions options) =>
        all.Any(other => other.Agent == beat.Agent && other.Instance != beat.Instance && other.StartedAt > beat.StartedAt
            && StatusOf(other, now, options, EmptySet) == Ok);

    private static readonly HashSet<string> EmptySet = [];
}
