namespace StockPlatform.MarketSim.Options;

/// <summary>Failures injected on purpose so clients can prove their retries (section <c>MarketSim:Faults</c>).</summary>
public sealed class FaultOptions
{
    /// <summary>
    /// Share (0..1) of REST requests answered with 500. Decided by a random sequence seeded with
    /// <see cref="MarketSimOptions.Seed"/>, so a test run sees the same pattern every time.
    /// </summary>
    public double ErrorRate { get; set; }

    /// <summary>Delay added to every REST response.</summary>
    public TimeSpan Latency { get; set; } = TimeSpan.Zero;

    /// <summary>When set, each stream connection is cut abruptly this long after it authenticated.</summary>
    public TimeSpan? StreamDropAfter { get; set; }
}
