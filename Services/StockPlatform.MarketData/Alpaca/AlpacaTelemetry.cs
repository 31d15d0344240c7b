using System.Diagnostics;
using System.Diagnostics.Metrics;
using StockPlatform.ServiceDefaults.Telemetry;

namespace StockPlatform.MarketData.Alpaca;

/// <summary>Traces and metrics of every call to Alpaca (exported by the service defaults as <c>StockPlatform.*</c>).</summary>
internal static class AlpacaTelemetry
{
    public const string Name = "StockPlatform.MarketData";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>
    /// Each HTTP attempt sent to Alpaca (retries count again), by endpoint and status code; an
    /// attempt that got no answer carries <c>error.type</c> instead of a status.
    /// </summary>
    public static readonly Counter<long> Calls = Meter.CreateCounter<long>("stockplatform.alpaca.calls", unit: "{call}",
        description: "HTTP requests sent to Alpaca, by endpoint and response status");

    /// <summary>Retries by reason (429, 5xx, the exception of a network failure).</summary>
    public static readonly Counter<long> Retries = Meter.CreateCounter<long>("stockplatform.alpaca.retries", unit: "{retry}",
        description: "Requests to Alpaca retried");

    /// <summary>How long each attempt waited for a slot of the key's rate-limit budget (zero when one was free).</summary>
    public static readonly Histogram<double> ThrottleWait = Meter.CreateHistogram("stockplatform.alpaca.throttle_wait", unit: "s",
        description: "Time a request to Alpaca waited for rate-limit budget", tags: null, advice: HistogramBuckets.ShortSeconds);

    /// <summary>Bars received from Alpaca's REST API.</summary>
    public static readonly Counter<long> Bars = Meter.CreateCounter<long>("stockplatform.alpaca.bars", unit: "{bar}",
        description: "Bars received from Alpaca");

    /// <summary>Trades received from Alpaca's REST API.</summary>
    public static readonly Counter<long> Trades = Meter.CreateCounter<long>("stockplatform.alpaca.trades", unit: "{trade}",
        description: "Trades received from Alpaca");

    /// <summary>Quotes received from Alpaca's REST API.</summary>
    public static readonly Counter<long> Quotes = Meter.CreateCounter<long>("stockplatform.alpaca.quotes", unit: "{quote}",
        description: "Quotes received from Alpaca");

    public static void RecordCall(string endpoint, int statusCode) =>
        Calls.Add(1, new KeyValuePair<string, object?>(TelemetryTags.AlpacaEndpoint, endpoint), new(TelemetryTags.HttpStatusCode, statusCode));

    public static void RecordFailedCall(string endpoint, Exception exception) =>
        Calls.Add(1, new KeyValuePair<string, object?>(TelemetryTags.AlpacaEndpoint, endpoint), new(TelemetryTags.ErrorType, exception.GetType().Name));
}
