namespace StockPlatform.Chaos.Plan;

/// <summary>The seeded fault schedule: repeatable, complete for its profile, and inside the fault phase.</summary>
public class FaultPlanTests
{
    [Theory]
    [InlineData("short")]
    [InlineData("full")]
    public void The_same_seed_gives_the_same_plan_and_another_seed_another(string profileName)
    {
        var profile = ChaosProfile.Named(profileName);

        Assert.Equal(FaultPlan.Create(profile, 42), FaultPlan.Create(profile, 42));
        Assert.NotEqual(FaultPlan.Create(profile, 42), FaultPlan.Create(profile, 43));
    }

    [Theory]
    [InlineData("short", 5)]
    [InlineData("full", 20)]
    public void A_plan_holds_the_profile_s_kills_one_restart_of_each_server_its_drops_and_bursts(string profileName, int kills)
    {
        var profile = ChaosProfile.Named(profileName);
        var plan = FaultPlan.Create(profile, 7);

        Assert.Equal(kills, plan.Count(a => a.Kind == FaultKind.KillAgent));
        Assert.Single(plan, a => a.Kind == FaultKind.RestartRabbitMq);
        Assert.Single(plan, a => a.Kind == FaultKind.RestartPostgres);
        Assert.Equal(profile.LateJobs.Select(symbols => string.Join(',', symbols)), plan.Where(a => a.Kind == FaultKind.PostLateJob).Select(a => a.Target));
        Assert.Equal(profile.StreamDrops, plan.Count(a => a.Kind == FaultKind.DropStream));
        Assert.Equal(profile.Bursts429, plan.Count(a => a.Kind == FaultKind.Burst429));
        Assert.Equal(profile.Bursts500, plan.Count(a => a.Kind == FaultKind.Burst500));
    }

    [Fact]
    public void Every_agent_is_killed_at_least_once_and_every_action_falls_inside_the_fault_phase_in_order()
    {
        foreach (var seed in Enumerable.Range(1, 50))
        {
            var plan = FaultPlan.Create(ChaosProfile.Short, seed);

            Assert.Equal(FaultPlan.Agents.Order(), plan.Where(a => a.Kind == FaultKind.KillAgent).Select(a => a.Target!).Distinct().Order());
            Assert.All(plan, a => Assert.InRange(a.At, TimeSpan.Zero, ChaosProfile.Short.FaultPhase));
            Assert.Equal(plan.OrderBy(a => a.At), plan);
        }
    }

    [Fact]
    public void The_two_server_restarts_fall_in_separate_parts_of_the_phase()
    {
        foreach (var seed in Enumerable.Range(1, 50))
        {
            var plan = FaultPlan.Create(ChaosProfile.Full, seed);
            var rabbit = plan.Single(a => a.Kind == FaultKind.RestartRabbitMq);
            var postgres = plan.Single(a => a.Kind == FaultKind.RestartPostgres);

            // Each recovers well before the other begins (a restart is down for at most 6 s).
            Assert.True(postgres.At - rabbit.At > rabbit.Length + TimeSpan.FromSeconds(10), $"seed {seed}: {rabbit.At} and {postgres.At}");
        }
    }

    [Fact]
    public void Each_burst_begins_within_a_second_after_a_drop_or_a_late_job_so_it_meets_rest_traffic()
    {
        foreach (var seed in Enumerable.Range(1, 20))
        {
            var plan = FaultPlan.Create(ChaosProfile.Full, seed);
            var anchors = plan.Where(a => a.Kind is FaultKind.DropStream or FaultKind.PostLateJob).Select(a => a.At).ToList();

            Assert.All(plan.Where(a => a.Kind is FaultKind.Burst429 or FaultKind.Burst500),
                burst => Assert.Contains(anchors, at => burst.At - at >= TimeSpan.FromSeconds(0.2) && burst.At - at <= TimeSpan.FromSeconds(0.8)));
        }
    }

    [Fact]
    public void An_unknown_profile_is_refused_naming_the_choices()
    {
        var refused = Assert.Throws<ArgumentException>(() => ChaosProfile.Named("medium"));
        Assert.Contains("short or full", refused.Message, StringComparison.Ordinal);
    }
}
