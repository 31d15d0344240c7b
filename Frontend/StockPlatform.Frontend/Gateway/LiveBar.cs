using System.Text.Json;

namespace StockPlatform.Frontend.Gateway;

/// <summary>
/// A minute from the live stream, as <c>GET /events</c> carries it: <c>bar.new</c> for a minute
/// first stored, <c>bar.correction</c> for an updated bar that replaced a stored one.
/// </summary>
public sealed record LiveBar(
    string Symbol, DateTime Timestamp, decimal Open, decimal High, decimal Low, decimal Close, long Volume, long TradeCount, decimal Vwap, string Feed,
    bool IsCorrection = false)
{
    /// <summary>The event types of live bars.</summary>
    public const string NewKind = "bar.new", CorrectionKind = "bar.correction";

    /// <summary>The bar an event carries, or null when it is not a live bar (or its data cannot be read).</summary>
    public static LiveBar? From(GatewayEvent e)
    {
        if (e.Kind is not (NewKind or CorrectionKind) || e.Data.ValueKind != JsonValueKind.Object) return null;
        try
        {
            var bar = e.Data.Deserialize<LiveBar>(GatewayClient.Json);
            // The kind says whether it corrects; timestamps are UTC whatever the JSON's offset.
            return bar is null ? null : bar with { Timestamp = bar.Timestamp.ToUniversalTime(), IsCorrection = e.Kind == CorrectionKind };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The minute as a stored bar (not complete: a correction may still replace it).</summary>
    public Bar ToBar() => new(Timestamp, Open, High, Low, Close, Volume, TradeCount, Vwap, Complete: false);
}
