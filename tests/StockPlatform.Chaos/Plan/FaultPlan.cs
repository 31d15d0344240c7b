namespace StockPlatform.Chaos.Plan;

/// <summary>What a fault does.</summary>
public enum FaultKind
{
    /// <summary>SIGKILL an agent; it is started again after <see cref="FaultAction.Length"/>.</summary>
    KillAgent,

    /// <summary>Stop RabbitMQ and start it again on the same data after <see cref="FaultAction.Length"/>.</summary>
    RestartRabbitMq,

    /// <summary>Stop PostgreSQL (fast shutdown) and start it again after <see cref="FaultAction.Length"/>.</summary>
    RestartPostgres,

    /// <summary>Cut every stream connection MarketSim has open.</summary>
    DropStream,

    /// <summary>MarketSim answers every REST request with 429 for <see cref="FaultAction.Length"/>.</summary>
    Burst429,

    /// <summary>MarketSim answers every REST request with 500 for <see cref="FaultAction.Length"/>.</summary>
    Burst500,

    /// <summary>Post another backfill job (of <see cref="FaultAction.Target"/>, symbols joined by commas) while the faults go on.</summary>
    PostLateJob,
}

/// <summary>One step of the plan: when (after the fault phase began), what, to whom, and for how long (a pause or a burst).</summary>
public sealed record FaultAction(TimeSpan At, FaultKind Kind, string? Target, TimeSpan Length)
{
    public override string ToString() => Kind switch
    {
        FaultKind.KillAgent => $"kill {Target}, restart after {Length.TotalSeconds:0.0} s",
        FaultKind.RestartRabbitMq => $"restart RabbitMQ ({Length.TotalSeconds:0.0} s down)",
        FaultKind.RestartPostgres => $"restart PostgreSQL ({Length.TotalSeconds:0.0} s down)",
        FaultKind.DropStream => "drop the stream",
        FaultKind.Burst429 => $"429 burst for {Length.TotalSeconds:0.0} s",
        FaultKind.Burst500 => $"500 burst for {Length.TotalSeconds:0.0} s",
        FaultKind.PostLateJob => $"post a backfill job of {Target}",
        _ => Kind.ToString(),
    };
}

/// <summary>
/// The seeded schedule of a chaos run: the same seed and profile always give the same plan, so a
/// run that found something can be repeated (<c>CHAOS_SEED</c>). The two server restarts fall in
/// separate parts of the phase, so each one's recovery is seen on its own; kills and drops land
/// anywhere, on top of them too. Each burst follows a drop or a late job by a moment, so it meets
/// REST traffic: the live updater filling the drop's hole, or the ingestion agents starting the
/// job's windows.
/// </summary>
public static class FaultPlan
{
    /// <summary>The agents a kill picks from: both ingestion agents, the live updater and the feature agent.</summary>
    public static readonly IReadOnlyList<string> Agents = ["ingestion-1", "ingestion-2", "livestream", "features"];

    /// <summary>The plan for a profile and seed, earliest action first.</summary>
    public static IReadOnlyList<FaultAction> Create(ChaosProfile profile, int seed)
    {
        var random = new Random(seed);
        var phase = profile.FaultPhase;
        TimeSpan Anywhere() => phase * (0.02 + 0.9 * random.NextDouble());
        TimeSpan Seconds(double min, double max) => TimeSpan.FromSeconds(min + (max - min) * random.NextDouble());

        var actions = new List<FaultAction>();
        for (var i = 0; i < profile.Kills; i++)
        {
            // Every agent gets killed at least once when there are enough kills; then any of them.
            var target = i < Agents.Count ? Agents[i] : Agents[random.Next(Agents.Count)];
            actions.Add(new FaultAction(Anywhere(), FaultKind.KillAgent, target, Seconds(0.5, 6)));
        }
        actions.Add(new FaultAction(phase * (0.20 + 0.10 * random.NextDouble()), FaultKind.RestartRabbitMq, null, Seconds(2, 6)));
        actions.Add(new FaultAction(phase * (0.55 + 0.10 * random.NextDouble()), FaultKind.RestartPostgres, null, Seconds(2, 6)));
        var drops = Enumerable.Range(0, profile.StreamDrops).Select(_ => new FaultAction(Anywhere(), FaultKind.DropStream, null, TimeSpan.Zero)).ToList();
        var lateJobs = profile.LateJobs.Select((symbols, i) => new FaultAction(
            phase * ((i + 0.5) / profile.LateJobs.Count * 0.8 + 0.05 * random.NextDouble()), FaultKind.PostLateJob, string.Join(',', symbols), TimeSpan.Zero)).ToList();
        actions.AddRange(drops);
        actions.AddRange(lateJobs);
        // 429s meet the gap fills after drops first, 500s the late jobs' fetches first; more bursts than anchors take any.
        var bursts = Enumerable.Repeat(FaultKind.Burst429, profile.Bursts429).Select((kind, i) => (kind, anchor: Anchor(drops, lateJobs, i)))
            .Concat(Enumerable.Repeat(FaultKind.Burst500, profile.Bursts500).Select((kind, i) => (kind, anchor: Anchor(lateJobs, drops, i))));
        foreach (var (kind, anchor) in bursts)
            actions.Add(new FaultAction((anchor?.At ?? Anywhere()) + Seconds(0.2, 0.8), kind, null, Seconds(1, 5)));
        return [.. actions.OrderBy(action => action.At)];
    }

    // The i-th of the preferred anchors, then of the others; none past both.
    private static FaultAction? Anchor(List<FaultAction> preferred, List<FaultAction> others, int i) =>
        i < preferred.Count ? preferred[i] : i - preferred.Count < others.Count ? others[i - preferred.Count] : null;
}
