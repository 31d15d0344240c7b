using System.Buffers;
using System.Globalization;
using System.Text.Json;
using StockPlatform.Storage.Bars;

namespace StockPlatform.Bench.Gateway;

/// <summary>
/// The bars answer's bytes written in this process with no HTTP: the JSON document with
/// System.Text.Json's <see cref="Utf8JsonWriter"/> (names encoded once) and the CSV lines with
/// each value's own UTF-8 formatter, into a reused buffer. Added to a raw read and to the HTTP
/// floor, the least time any HTTP API could answer the same read in.
/// </summary>
internal static class InProcessAnswer
{
    private static readonly JsonEncodedText[] Names = [.. new[] { "timestamp", "open", "high", "low", "close", "volume", "trade_count", "vwap", "complete" }.Select(name => JsonEncodedText.Encode(name))];

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _buffer;

    /// <summary>Writes the bars as the gateway's JSON document; returns the bytes written.</summary>
    public static int Json(IReadOnlyList<StoredBar> bars)
    {
        var buffer = Reset();
        using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        json.WriteStartObject();
        json.WriteString("symbol"u8, "SPY");
        json.WritePropertyName("bars"u8);
        json.WriteStartArray();
        foreach (var bar in bars)
        {
            json.WriteStartObject();
            json.WriteString(Names[0], bar.Timestamp.UtcDateTime);
            json.WriteNumber(Names[1], bar.Open);
            json.WriteNumber(Names[2], bar.High);
            json.WriteNumber(Names[3], bar.Low);
            json.WriteNumber(Names[4], bar.Close);
            json.WriteNumber(Names[5], bar.Volume);
            json.WriteNumber(Names[6], bar.TradeCount);
            json.WriteNumber(Names[7], bar.Vwap);
            json.WriteBoolean(Names[8], bar.IsComplete);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteNull("next_page_token"u8);
        json.WriteEndObject();
        json.Flush();
        return buffer.WrittenCount;
    }

    /// <summary>Writes the bars as the gateway's CSV lines; returns the bytes written.</summary>
    public static int Csv(IReadOnlyList<StoredBar> bars)
    {
        var buffer = Reset();
        foreach (var bar in bars)
        {
            var line = buffer.GetSpan(512);
            var at = Put("SPY,"u8, line);
            at += Format(bar.Timestamp.UtcDateTime, line[at..], "yyyy-MM-dd'T'HH:mm:ss'Z'");
            at += Field(bar.Open, line[at..]);
            at += Field(bar.High, line[at..]);
            at += Field(bar.Low, line[at..]);
            at += Field(bar.Close, line[at..]);
            at += Field(bar.Volume, line[at..]);
            at += Field(bar.TradeCount, line[at..]);
            at += Field(bar.Vwap, line[at..]);
            at += Put(bar.IsComplete ? ",true\n"u8 : ",false\n"u8, line[at..]);
            buffer.Advance(at);
        }
        return buffer.WrittenCount;
    }

    private static ArrayBufferWriter<byte> Reset()
    {
        var buffer = _buffer ??= new ArrayBufferWriter<byte>(4 * 1024 * 1024);
        buffer.ResetWrittenCount();
        return buffer;
    }

    private static int Put(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        text.CopyTo(destination);
        return text.Length;
    }

    private static int Field<T>(T value, Span<byte> destination) where T : IUtf8SpanFormattable
    {
        destination[0] = (byte)',';
        return 1 + Format(value, destination[1..], null);
    }

    private static int Format<T>(T value, Span<byte> destination, string? format) where T : IUtf8SpanFormattable =>
        value.TryFormat(destination, out var written, format, CultureInfo.InvariantCulture) ? written : throw new InvalidOperationException("a field did not fit its line");
}
