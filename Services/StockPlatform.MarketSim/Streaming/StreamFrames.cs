using System.Buffers;
using System.Text.Json;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketSim.Apis;

namespace StockPlatform.MarketSim.Streaming;

/// <summary>
/// The stream's text frames. Every frame is a JSON array of messages keyed by <c>T</c>; control
/// messages come one per frame, data messages batched.
/// </summary>
internal static class StreamFrames
{
    public static byte[] Connected() => Write(w => Success(w, "connected"));

    public static byte[] Authenticated() => Write(w => Success(w, "authenticated"));

    public static byte[] Error((int Code, string Message) error) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("T", "error");
        w.WriteNumber("code", error.Code);
        w.WriteString("msg", error.Message);
        w.WriteEndObject();
    });

    /// <summary>
    /// The full subscription state, as Alpaca answers every subscribe and unsubscribe. Trades
    /// imply corrections and cancel errors; imbalances appear only when subscribed.
    /// </summary>
    public static byte[] Subscription(Subscriptions state) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("T", "subscription");
        foreach (var channel in new[] { "trades", "quotes", "bars", "updatedBars", "dailyBars", "statuses", "lulds" })
        {
            Strings(w, channel, state[channel]);
        }
        Strings(w, "corrections", state["trades"]);
        Strings(w, "cancelErrors", state["trades"]);
        if (state["imbalances"].Count > 0) Strings(w, "imbalances", state["imbalances"]);
        w.WriteEndObject();
    });

    /// <summary>A batch of bar messages: <c>b</c> minute bars, <c>u</c> updated bars or <c>d</c> daily bars.</summary>
    public static byte[] Bars(string type, IEnumerable<(string Symbol, Bar Bar)> bars) => Write(w =>
    {
        foreach (var (symbol, bar) in bars)
        {
            w.WriteStartObject();
            w.WriteString("T", type);
            w.WriteString("S", symbol);
            AlpacaJson.WriteBarFields(w, bar);
            w.WriteEndObject();
        }
    });

    private static void Success(Utf8JsonWriter writer, string message)
    {
        writer.WriteStartObject();
        writer.WriteString("T", "success");
        writer.WriteString("msg", message);
        writer.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values) writer.WriteStringValue(value);
        writer.WriteEndArray();
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            body(writer);
            writer.WriteEndArray();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
