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

    /// <summary>A batch of trade messages (<c>T:"t"</c>), fields as in Alpaca's stream.</summary>
    public static byte[] Trades(IEnumerable<(string Symbol, Trade Trade)> trades) => Write(w =>
    {
        foreach (var (symbol, trade) in trades)
        {
            w.WriteStartObject();
            w.WriteString("T", "t");
            w.WriteString("S", symbol);
            w.WriteNumber("i", trade.Id);
            w.WriteString("x", trade.Exchange);
            w.WriteNumber("p", AlpacaJson.Normalize(trade.Price));
            w.WriteNumber("s", trade.Size);
            w.WriteString("t", trade.Time.ToString());
            AlpacaJson.WriteConditions(w, trade.Conditions);
            w.WriteString("z", trade.Tape);
            w.WriteEndObject();
        }
    });

    /// <summary>A batch of quote messages (<c>T:"q"</c>), fields as in Alpaca's stream.</summary>
    public static byte[] Quotes(IEnumerable<(string Symbol, Quote Quote)> quotes) => Write(w =>
    {
        foreach (var (symbol, quote) in quotes)
        {
            w.WriteStartObject();
            w.WriteString("T", "q");
            w.WriteString("S", symbol);
            w.WriteString("bx", quote.BidExchange);
            w.WriteNumber("bp", AlpacaJson.Normalize(quote.BidPrice));
            w.WriteNumber("bs", quote.BidSize);
            w.WriteString("ax", quote.AskExchange);
            w.WriteNumber("ap", AlpacaJson.Normalize(quote.AskPrice));
            w.WriteNumber("as", quote.AskSize);
            w.WriteString("t", quote.Time.ToString());
            AlpacaJson.WriteConditions(w, quote.Conditions);
            w.WriteString("z", quote.Tape);
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
