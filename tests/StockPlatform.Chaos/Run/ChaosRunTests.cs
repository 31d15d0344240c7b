using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.Versioning;
using System.Text.Json;
using StockPlatform.Chaos.Plan;
using StockPlatform.Chaos.Stack;
using StockPlatform.MarketData.Calendar;
using Xunit.Abstractions;

namespace StockPlatform.Chaos.Run;

/// <summary>
/// The chaos run (issue 19): a multi-symbol backfill and a live stream on the whole local
/// platform while agents are SIGKILLed, RabbitMQ and PostgreSQL restart, the stream drops and
/// MarketSim answers bursts of 429s and 500s; afterwards every job is final, the stored minutes
/// equal MarketSim's ground truth exactly, and no error queue holds a message. Profile and seed
/// from <c>CHAOS_PROFILE</c> and <c>CHAOS_SEED</c>; <c>scripts/chaos.sh</c> runs it.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ChaosRunTests(ITestOutputHelper output)
{
    private static readonly string[] FinalStatuses = ["succeeded", "failed", "cancelled"];

    /// <summary>Error-queue messages a fault explains by design: none so far (each would be listed here with its reason).</summary>
    private static readonly Dictionary<string, string> ExplainedErrorQueues = [];

    [Fact]
    public async Task Under_kills_restarts_drops_and_bursts_every_job_ends_and_the_stored_bars_equal_the_ground_truth()
    {
        var profile = ChaosProfile.FromEnvironment();
        var seed = ChaosProfile.SeedFromEnvironment();
        var logPath = Environment.GetEnvironmentVariable("CHAOS_LOG") is { Length: > 0 } set ? set : Path.Combine(Path.GetTempPath(), $"chaos-{seed}.log");
        using var journal = new ChaosJournal(output, logPath);
        var plan = FaultPlan.Create(profile, seed);
        var path = ChaosServers.Timescale ? "TimescaleDB" : "plain PostgreSQL";
        journal.Print($"profile {profile.Name}, seed {seed} (repeat with CHAOS_SEED={seed}), {path} path, journal {logPath}");
        journal.Print($"plan: {plan.Count} actions over {profile.FaultPhase.TotalSeconds:0} s");
        foreach (var action in plan) journal.Print($"  at +{action.At.TotalSeconds,5:0.0}s: {action}");

        await using var servers = await ChaosServers.StartAsync(TimeSpan.FromSeconds(120));
        journal.Print("PostgreSQL and RabbitMQ of the run's own are up");
        await using var platform = await ChaosPlatform.StartAsync(servers, profile);
        journal.Print("MarketSim, the gateway, 2 ingestion agents, the live updater and the feature agent are healthy");
        using var client = platform.CreateClient();

        foreach (var symbol in profile.TrackedSymbols)
        {
            using var track = await client.PutAsync($"/symbols/{symbol}/tracking", null);
            Assert.Equal(HttpStatusCode.OK, track.StatusCode);
        }
        journal.Print($"tracking {string.Join(", ", profile.TrackedSymbols)} live (stream at {profile.StreamSpeed:0}x from {ChaosProfile.StreamStart:yyyy-MM-dd HH:mm}Z)");
        var jobs = new List<(Guid Id, IReadOnlyList<string> Symbols)>();
        var job = await platform.StartJobAsync(client, profile.BackfillSymbols, profile.BackfillStart, profile.BackfillEnd);
        jobs.Add((job, profile.BackfillSymbols));
        journal.Print($"POST /jobs: {string.Join(", ", profile.BackfillSymbols)} bars {profile.BackfillStart:O}..{profile.BackfillEnd:O} -> job {job}");

        var run = new FaultRun(platform, journal, profile, client);
        await run.ExecuteAsync(plan, jobs);
        var problems = new List<string>(run.Problems);

        journal.Print("faults over; every service is running again; settling");
        await CheckJobsAsync(platform, client, profile, journal, problems);
        await CheckBackfilledBarsAsync(platform, client, profile, jobs, run, problems);
        await CheckLiveBarsAsync(platform, client, profile, run, problems);
        await CheckErrorQueuesAsync(servers, journal, problems);

        var windows = await WindowAttemptsAsync(client);
        journal.Print("summary: " + string.Join(", ",
            $"{run.Kills} kills ({string.Join(", ", run.KillsBySlot.Select(k => $"{k.Key} {k.Value}"))})",
            $"{run.AgentRestarts} agent restarts",
            $"RabbitMQ restarted {run.RabbitRestarts}x, PostgreSQL {run.PostgresRestarts}x",
            $"{run.Drops} stream drops ({platform.Count("Stream disconnected")} disconnects seen, {platform.Count("Filled the stream's hole")} holes filled)",
            $"{run.Bursts429} 429 and {run.Bursts500} 500 bursts ({platform.Faults.BurstAnswers} answers)",
            $"{windows.Jobs} jobs, {windows.Windows} windows, {windows.Retried} windows retried ({windows.Attempts} attempts)",
            $"{platform.Count("Retrying Alpaca request")} Alpaca request retries",
            $"{run.BarsCompared} bars compared",
            $"{problems.Count} problems",
            $"{journal.Elapsed.TotalSeconds:0} s"));
        foreach (var problem in problems) journal.Print("PROBLEM: " + problem);
        if (problems.Count > 0)
        {
            // Every service's log lines, the killed processes' too: what the problems came from.
            var saved = Path.Combine(Path.GetTempPath(), $"chaos-{seed}-output");
            platform.SaveOutput(saved);
            journal.Print($"every service's output: {saved}");
        }
        Assert.True(problems.Count == 0, $"seed {seed}: " + string.Join("\n", problems));
    }

    // Every job (the posted ones, and those the agents asked for) reaches a final state, and none fails.
    private static async Task CheckJobsAsync(ChaosPlatform platform, HttpClient client, ChaosProfile profile, ChaosJournal journal, List<string> problems)
    {
        var deadline = DateTime.UtcNow + profile.SettleTimeout;
        List<JsonElement> all;
        while (true)
        {
            all = await ListJobsAsync(client);
            if (all.All(j => FinalStatuses.Contains(j.GetProperty("status").GetString()))) break;
            if (DateTime.UtcNow > deadline)
            {
                foreach (var open in all.Where(j => !FinalStatuses.Contains(j.GetProperty("status").GetString())))
                {
                    problems.Add($"job {open.GetProperty("job_id")} ({open.GetProperty("kind")} {open.GetProperty("symbol")}) still {open.GetProperty("status")} after {profile.SettleTimeout.TotalSeconds:0} s: {open.GetProperty("progress")}; windows: {await WindowsTextAsync(client, open)}");
                }
                return;
            }
            await Task.Delay(1000);
        }
        foreach (var failed in all.Where(j => j.GetProperty("status").GetString() != "succeeded"))
            problems.Add($"job {failed.GetProperty("job_id")} ({failed.GetProperty("kind")} {failed.GetProperty("symbol")}) is {failed.GetProperty("status")}: {failed.GetProperty("error")}; windows: {await WindowsTextAsync(client, failed)}");
        journal.Print($"jobs: {all.Count} final ({string.Join(", ", all.GroupBy(j => $"{j.GetProperty("kind").GetString()} {j.GetProperty("status").GetString()}").Select(g => $"{g.Count()} {g.Key}"))})");
    }

    // The posted jobs' symbols and ranges, stored exactly as MarketSim serves them.
    private static async Task CheckBackfilledBarsAsync(ChaosPlatform platform, HttpClient client, ChaosProfile profile, List<(Guid Id, IReadOnlyList<string> Symbols)> jobs,
        FaultRun run, List<string> problems)
    {
        var journal = run.Journal;
        var (start, end) = ChaosPlatform.Instants(profile.BackfillStart, profile.BackfillEnd);
        foreach (var symbol in jobs.SelectMany(j => j.Symbols))
        {
            var comparison = BarComparison.Of(platform.Truth(symbol, start, end), await ChaosPlatform.ReadMinutesAsync(client, symbol, start, end));
            run.Compared(comparison.Expected);
            journal.Print($"backfill {symbol}: {comparison}");
            if (!comparison.Equal) problems.Add($"backfilled {symbol} {profile.BackfillStart:O}..{profile.BackfillEnd:O}: {comparison}");
        }
    }

    // The tracked symbols' minutes of the streamed day, from the open to the last settled minute:
    // streamed, filled after drops and kills, none missing, none twice, each its last correction.
    private static async Task CheckLiveBarsAsync(ChaosPlatform platform, HttpClient client, ChaosProfile profile, FaultRun run, List<string> problems)
    {
        var journal = run.Journal;
        var day = NyseCalendar.GetTradingDay(NewYorkTime.DateOf(ChaosProfile.StreamStart))!;
        // Streaming again: a minute newer than the last restart's is stored for every tracked symbol.
        var since = platform.Clock.Now.AddMinutes(-1);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var newest = await Task.WhenAll(profile.TrackedSymbols.Select(async s => (await ChaosPlatform.ReadMinutesAsync(client, s, since, since.AddHours(12))).Count));
            if (newest.All(n => n > 0)) break;
            if (DateTime.UtcNow > deadline)
            {
                problems.Add($"the live updater stores no new minutes 60 s after the faults ended:\n{platform.Tail("livestream")}");
                return;
            }
            await Task.Delay(500);
        }
        // Corrections come half a simulated minute after their bar; three minutes back everything has settled.
        var settled = platform.Clock.Now.AddMinutes(-3);
        var patience = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        foreach (var symbol in profile.TrackedSymbols)
        {
            BarComparison comparison;
            // A hole's fill may still be on its way: compared again until equal or out of patience.
            while (true)
            {
                comparison = BarComparison.Of(platform.Truth(symbol, day.SessionOpenUtc, settled), await ChaosPlatform.ReadMinutesAsync(client, symbol, day.SessionOpenUtc, settled));
                if (comparison.Equal || DateTime.UtcNow > patience) break;
                await Task.Delay(1000);
            }
            run.Compared(comparison.Expected);
            journal.Print($"live {symbol} {day.SessionOpenUtc:HH:mm}..{settled:HH:mm}Z: {comparison}");
            if (!comparison.Equal) problems.Add($"live {symbol} {day.SessionOpenUtc:O}..{settled:O}: {comparison}");
        }
    }

    private static async Task CheckErrorQueuesAsync(ChaosServers servers, ChaosJournal journal, List<string> problems)
    {
        var queues = await servers.ListQueuesAsync();
        var errors = queues.Where(q => q.Name.EndsWith("_error", StringComparison.Ordinal)).ToList();
        foreach (var queue in errors.Where(q => q.Messages > 0))
        {
            if (ExplainedErrorQueues.TryGetValue(queue.Name, out var reason))
            {
                journal.Print($"error queue {queue.Name}: {queue.Messages} messages, explained: {reason}");
                continue;
            }
            problems.Add($"error queue {queue.Name} holds {queue.Messages} messages: {await servers.PeekAsync(queue.Name, 3)}");
        }
        // MassTransit declares an error queue when the first message goes there: none declared is none faulted.
        journal.Print($"error queues: {errors.Count} declared ({queues.Count} queues on the broker), {errors.Sum(q => q.Messages)} messages");
    }

    private static async Task<List<JsonElement>> ListJobsAsync(HttpClient client)
    {
        using var json = JsonDocument.Parse(await client.GetStringAsync("/jobs?limit=1000"));
        return [.. json.RootElement.GetProperty("jobs").EnumerateArray().Select(j => j.Clone())];
    }

    private static async Task<string> WindowsTextAsync(HttpClient client, JsonElement job)
    {
        using var json = JsonDocument.Parse(await client.GetStringAsync($"/jobs/{job.GetProperty("job_id").GetGuid()}/windows"));
        return string.Join("; ", json.RootElement.GetProperty("windows").EnumerateArray()
            .Where(w => w.GetProperty("status").GetString() != "done")
            .Take(8)
            .Select(w => $"{w.GetProperty("symbol")} {w.GetProperty("start")}..{w.GetProperty("end")} {w.GetProperty("status")} after {w.GetProperty("attempts")} attempts: {w.GetProperty("error")}"));
    }

    private static async Task<(int Jobs, int Windows, int Retried, int Attempts)> WindowAttemptsAsync(HttpClient client)
    {
        var (windows, retried, attempts) = (0, 0, 0);
        var jobs = await ListJobsAsync(client);
        foreach (var job in jobs)
        {
            using var json = JsonDocument.Parse(await client.GetStringAsync($"/jobs/{job.GetProperty("job_id").GetGuid()}/windows"));
            foreach (var window in json.RootElement.GetProperty("windows").EnumerateArray())
            {
                var tries = window.GetProperty("attempts").GetInt32();
                windows++;
                attempts += tries;
                if (tries > 1) retried++;
            }
        }
        return (jobs.Count, windows, retried, attempts);
    }
}
