using System.Diagnostics;
using System.Runtime.Versioning;
using StockPlatform.Chaos.Plan;
using StockPlatform.Chaos.Stack;

namespace StockPlatform.Chaos.Run;

/// <summary>
/// Carries out a <see cref="FaultPlan"/> on the platform, each action at its moment and printed as
/// it happens. A killed agent is started again after its pause in the background, so the plan
/// goes on meanwhile; a kill aimed at an agent still coming back from an earlier one takes the
/// next agent instead. Counts what it did; what went wrong on the platform's side (an agent that
/// would not come back) goes to <see cref="Problems"/>.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class FaultRun(ChaosPlatform platform, ChaosJournal journal, ChaosProfile profile, HttpClient client)
{
    private static readonly TimeSpan ServerStart = TimeSpan.FromSeconds(120);

    private readonly HashSet<string> _restarting = [];
    private readonly HashSet<string> _reported = [];
    private readonly List<string> _problems = [];
    private readonly Lock _lock = new();
    private int _barsCompared;

    public ChaosJournal Journal => journal;

    public IReadOnlyList<string> Problems
    {
        get { lock (_lock) return [.. _problems]; }
    }

    public int Kills { get; private set; }

    public Dictionary<string, int> KillsBySlot { get; } = [];

    public int AgentRestarts { get; private set; }

    public int RabbitRestarts { get; private set; }

    public int PostgresRestarts { get; private set; }

    public int Drops { get; private set; }

    public int Bursts429 { get; private set; }

    public int Bursts500 { get; private set; }

    public int BarsCompared => _barsCompared;

    public void Compared(int bars) => Interlocked.Add(ref _barsCompared, bars);

    /// <summary>Runs the plan, then waits for every restart it began and makes sure every service runs again.</summary>
    public async Task ExecuteAsync(IReadOnlyList<FaultAction> plan, List<(Guid Id, IReadOnlyList<string> Symbols)> jobs)
    {
        var phase = Stopwatch.StartNew();
        var background = new List<Task>();
        foreach (var action in plan)
        {
            var wait = action.At - phase.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            // Off the schedule's own thread: a kill waits for the process to go, a restart far longer.
            background.Add(Task.Run(() => action.Kind switch
            {
                FaultKind.KillAgent => KillAsync(action),
                FaultKind.RestartRabbitMq => RestartServerAsync("RabbitMQ", action.Length, () => platform.Servers.RestartRabbitMqAsync(action.Length, ServerStart), () => RabbitRestarts++),
                FaultKind.RestartPostgres => RestartServerAsync("PostgreSQL", action.Length, () => platform.Servers.RestartPostgresAsync(action.Length, ServerStart), () => PostgresRestarts++),
                FaultKind.DropStream => DropAsync(),
                FaultKind.Burst429 or FaultKind.Burst500 => BurstAsync(action),
                FaultKind.PostLateJob => PostLateJobAsync(action.Target!.Split(','), jobs),
                _ => throw new InvalidOperationException(action.Kind.ToString()),
            }));
        }
        var remaining = profile.FaultPhase - phase.Elapsed;
        if (remaining > TimeSpan.Zero) await Task.Delay(remaining);
        journal.Print("fault phase over; waiting for the restarts under way");
        var all = Task.WhenAll(background);
        if (await Task.WhenAny(all, Task.Delay(TimeSpan.FromMinutes(4))) != all) Problem("restarts still under way 4 minutes after the fault phase");
        else await all;
        foreach (var slot in platform.SlotNames.Where(slot => !platform.IsRunning(slot)))
        {
            Problem($"{slot} was not running after the fault phase; starting it");
            await platform.StartAsync(slot);
        }
    }

    private async Task KillAsync(FaultAction action)
    {
        string target;
        lock (_lock)
        {
            // The planned agent, or (while that one is still coming back) the next one that runs.
            var order = FaultPlan.Agents.SkipWhile(a => a != action.Target).Concat(FaultPlan.Agents.TakeWhile(a => a != action.Target)).ToList();
            // Not running and not being restarted by the run: it ended by itself, which no fault explains.
            foreach (var dead in order.Where(a => !_restarting.Contains(a) && !platform.IsRunning(a) && _reported.Add(a)))
                Problem($"{dead} exited by itself:\n" + string.Join('\n', platform.Tail(dead, 6).Split('\n').Select(l => l.Length > 400 ? l[..400] : l)));
            var chosen = order.FirstOrDefault(a => !_restarting.Contains(a) && platform.IsRunning(a));
            if (chosen is null)
            {
                journal.Print($"kill {action.Target}: every agent is restarting; skipped");
                return;
            }
            target = chosen;
            _restarting.Add(target);
        }
        try
        {
            platform.Kill(target);
            lock (_lock)
            {
                Kills++;
                KillsBySlot[target] = KillsBySlot.GetValueOrDefault(target) + 1;
            }
            journal.Print($"SIGKILL {target}" + (target == action.Target ? string.Empty : $" (instead of {action.Target}, which is down)") + $"; restart in {action.Length.TotalSeconds:0.0} s");
            await Task.Delay(action.Length);
            var started = Stopwatch.StartNew();
            await StartAgainAsync(target);
            journal.Print($"{target} restarted, healthy after {started.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            lock (_lock) _restarting.Remove(target);
        }
    }

    // An agent that exits while starting (say, the database is away) is a finding; it gets three tries.
    private async Task StartAgainAsync(string slot)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await platform.StartAsync(slot);
                lock (_lock) AgentRestarts++;
                return;
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException && attempt < 3)
            {
                Problem($"{slot} did not come back (attempt {attempt}): {ex.Message}");
                platform.Kill(slot);
            }
        }
    }

    private async Task RestartServerAsync(string name, TimeSpan down, Func<Task> restart, Action count)
    {
        journal.Print($"stopping {name}; starting it again after {down.TotalSeconds:0.0} s");
        var clock = Stopwatch.StartNew();
        await restart();
        lock (_lock) count();
        journal.Print($"{name} is back ({clock.Elapsed.TotalSeconds:0.0} s after it was stopped)");
    }

    private Task DropAsync()
    {
        var cut = platform.Faults.DropStreams();
        lock (_lock) Drops++;
        journal.Print($"dropped the stream ({cut} connection{(cut == 1 ? string.Empty : "s")} cut)");
        return Task.CompletedTask;
    }

    private async Task BurstAsync(FaultAction action)
    {
        var status = action.Kind == FaultKind.Burst429 ? 429 : 500;
        platform.Faults.StartBurst(status, action.Length);
        lock (_lock)
        {
            if (status == 429) Bursts429++;
            else Bursts500++;
        }
        var before = platform.Faults.BurstAnswers;
        journal.Print($"MarketSim answers {status} to every request for {action.Length.TotalSeconds:0.0} s");
        await Task.Delay(action.Length);
        journal.Print($"{status} burst over ({platform.Faults.BurstAnswers - before} answers)");
    }

    // Posted through the gateway like a user would; while the database or broker restarts, the
    // gateway may refuse it, and the user tries again.
    private async Task PostLateJobAsync(IReadOnlyList<string> symbols, List<(Guid Id, IReadOnlyList<string> Symbols)> jobs)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            try
            {
                var id = await platform.StartJobAsync(client, symbols, profile.BackfillStart, profile.BackfillEnd);
                lock (jobs) jobs.Add((id, symbols));
                journal.Print($"POST /jobs: {string.Join(", ", symbols)} bars {profile.BackfillStart:O}..{profile.BackfillEnd:O} -> job {id}");
                return;
            }
            catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or TaskCanceledException && DateTime.UtcNow < deadline)
            {
                journal.Print($"POST /jobs refused ({ex.Message}); trying again");
                await Task.Delay(2000);
            }
        }
    }

    private void Problem(string text)
    {
        lock (_lock) _problems.Add(text);
        journal.Print("PROBLEM: " + text);
    }
}
