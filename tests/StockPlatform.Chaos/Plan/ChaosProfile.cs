using System.Globalization;

namespace StockPlatform.Chaos.Plan;

/// <summary>
/// How big a chaos run is: what it backfills and tracks, how long the faults go on and how many
/// of each there are. <c>CHAOS_PROFILE=short</c> (the default, run by CI on every run) or
/// <c>full</c> (<c>scripts/chaos.sh --full</c>); <c>CHAOS_SEED</c> fixes the random choices.
/// </summary>
public sealed record ChaosProfile(
    string Name,
    IReadOnlyList<string> BackfillSymbols,
    DateOnly BackfillStart,
    DateOnly BackfillEnd,
    IReadOnlyList<IReadOnlyList<string>> LateJobs,
    IReadOnlyList<string> TrackedSymbols,
    double StreamSpeed,
    TimeSpan FaultPhase,
    int Kills,
    int StreamDrops,
    int Bursts429,
    int Bursts500,
    TimeSpan SettleTimeout)
{
    /// <summary>The stream's simulated start: a Wednesday, 10:00 in New York, so the run streams regular-session minutes.</summary>
    public static readonly DateTimeOffset StreamStart = new(2025, 3, 5, 15, 0, 0, TimeSpan.Zero);

    /// <summary>A few minutes on this 2-core box: every kind of fault at least once.</summary>
    public static ChaosProfile Short { get; } = new(
        "short",
        BackfillSymbols: ["SPY", "QQQ", "AAPL", "MSFT"],
        BackfillStart: new DateOnly(2024, 4, 1),
        BackfillEnd: new DateOnly(2024, 5, 31),
        LateJobs: [["IBM"], ["KO", "PEP"]],
        TrackedSymbols: ["NVDA", "AMD"],
        StreamSpeed: 60,
        FaultPhase: TimeSpan.FromSeconds(80),
        Kills: 5,
        StreamDrops: 2,
        Bursts429: 1,
        Bursts500: 1,
        SettleTimeout: TimeSpan.FromSeconds(90));

    /// <summary>The full run: 20 kills over a dozen symbols' quarter, under half an hour.</summary>
    public static ChaosProfile Full { get; } = new(
        "full",
        BackfillSymbols: ["SPY", "QQQ", "AAPL", "MSFT", "AMZN", "TSLA", "META", "GOOGL", "IWM", "NFLX", "IBM", "JNJ"],
        BackfillStart: new DateOnly(2024, 1, 2),
        BackfillEnd: new DateOnly(2024, 3, 28),
        LateJobs: [["JPM", "XOM"], ["PEP", "KO"], ["BA", "DIS"], ["WMT", "CVX"]],
        TrackedSymbols: ["NVDA", "AMD", "INTC"],
        StreamSpeed: 20,
        FaultPhase: TimeSpan.FromMinutes(14),
        Kills: 20,
        StreamDrops: 8,
        Bursts429: 3,
        Bursts500: 3,
        SettleTimeout: TimeSpan.FromMinutes(6));

    /// <summary>The profile <c>CHAOS_PROFILE</c> names (short when unset).</summary>
    public static ChaosProfile FromEnvironment()
    {
        var name = Environment.GetEnvironmentVariable("CHAOS_PROFILE");
        return string.IsNullOrWhiteSpace(name) ? Short : Named(name);
    }

    /// <summary>short or full; anything else is refused with the choices.</summary>
    public static ChaosProfile Named(string name) => name.Trim().ToLowerInvariant() switch
    {
        "short" => Short,
        "full" => Full,
        _ => throw new ArgumentException($"CHAOS_PROFILE must be short or full (was '{name}').", nameof(name)),
    };

    /// <summary>The seed <c>CHAOS_SEED</c> gives, or a new one (printed, so the run can be repeated).</summary>
    public static int SeedFromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable("CHAOS_SEED");
        if (string.IsNullOrWhiteSpace(text)) return Random.Shared.Next(1, 1_000_000);
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
            ? seed
            : throw new ArgumentException($"CHAOS_SEED must be an integer (was '{text}').");
    }
}
