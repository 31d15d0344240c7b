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

    /// <summary>
    /// When set, each stream connection goes silent this long after it authenticated: the socket
    /// stays open (pings answered) but no frame is sent, and what would have been is lost, for
    /// <see cref="StreamSilenceFor"/>, or until the connection closes when that is unset.
    /// </summary>
    public TimeSpan? StreamSilenceAfter { get; set; }

    /// <summary>How long a connection's silence (<see cref="StreamSilenceAfter"/>) lasts; unset: until it closes.</summary>
    public TimeSpan? StreamSilenceFor { get; set; }

    /// <summary>When set, each stream connection is treated as a slow client this long after it authenticated: error 407, then disconnect.</summary>
    public TimeSpan? StreamSlowClientAfter { get; set; }

    /// <summary>
    /// Bar, trade and quote requests that always go wrong for a symbol, as <c>MarketSim:Faults:Symbols:AAPL=500</c>,
    /// optionally only when the range holds a New York date (<c>500@2024-11-20</c>): <c>500</c> (a server
    /// error on every attempt), <c>403</c> (access refused), <c>422</c> (the request refused), or
    /// <c>malformed</c> (bars whose high is below their low; trades and quotes are served intact).
    /// </summary>
    public Dictionary<string, string> Symbols { get; set; } = [];
}
