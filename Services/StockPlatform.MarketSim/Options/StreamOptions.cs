namespace StockPlatform.MarketSim.Options;

/// <summary>The simulated clock and the WebSocket stream (section <c>MarketSim:Stream</c>).</summary>
public sealed class StreamOptions
{
    /// <summary>Simulated seconds per real second: 1 is real time, 60 plays one minute per second.</summary>
    public double Speed { get; set; } = 1;

    /// <summary>Where the simulated clock starts; default: the real time at start-up.</summary>
    public DateTimeOffset? Start { get; set; }

    /// <summary>Distinct symbols one connection may subscribe to, over all channels; more gives error 405.</summary>
    public int MaxSymbols { get; set; } = 30;

    /// <summary>How long (real time) a connection may stay unauthenticated before error 404 closes it.</summary>
    public TimeSpan AuthTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Frames queued for one connection before it counts as a slow client (error 407, disconnect).</summary>
    public int SendQueueCapacity { get; set; } = 1000;

    /// <summary>Longest one frame may take to send before the connection counts as a slow client.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
