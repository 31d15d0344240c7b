using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace StockPlatform.MarketData.Alpaca;

/// <summary>Traces and metrics of every call to Alpaca (exported by the service defaults as <c>StockPlatform.*</c>).</summary>
internal static class AlpacaTelemetry
{
    public const string Name = "StockPlatform.MarketData";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>Requests by endpoint and HTTP status (or "error" for network failures).</summary>
    public static readonly Counter<long> Requests = Meter.CreateCounter<long>("alpaca.requests", description: "HTTP requests sent to Alpaca");

    /// <summary>Retries by reason (429, 5xx, network).</summary>
    public static readonly Counter<long> Retries = Meter.CreateCounter<long>("alpaca.retries", description: "Requests retried");

    /// <summary>Times a request waited for the rate-limit window to reset.</summary>
    public static readonly Counter<long> ThrottleWaits = Meter.CreateCounter<long>("alpaca.throttle.waits", description: "Waits for the rate-limit reset");

    /// <summary>How long those waits took.</summary>
    public static readonly Histogram<double> ThrottleWaitSeconds = Meter.CreateHistogram<double>("alpaca.throttle.wait", unit: "s", description: "Time spent waiting for rate-limit budget");

    /// <summary>Bars received, by endpoint kind.</summary>
    public static readonly Counter<long> Bars = Meter.CreateCounter<long>("alpaca.bars", description: "Bars received from Alpaca");
}
