using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.MarketData.Alpaca.Wire;

/// <summary>Parsing of Alpaca's JSON into domain types.</summary>
internal static class AlpacaJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        Converters = { new AlpacaTimestampConverter() },
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    public static Bar ToBar(WireBar wire) => new(
        wire.Time.ToUniversalTime(),
        wire.Open,
        wire.High,
        wire.Low,
        wire.Close,
        wire.Volume,
        wire.TradeCount ?? 0,
        wire.Vwap ?? 0m);

    public static TradingDay ToTradingDay(WireCalendarDay wire)
    {
        var date = DateOnly.ParseExact(wire.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var open = ParseTime(wire.Open, "open");
        var close = ParseTime(wire.Close, "close");
        // Older calendar answers lack the extended session; Alpaca's is 04:00-20:00.
        var sessionOpen = wire.SessionOpen is { Length: > 0 } so ? ParseTime(so, "session_open") : new TimeOnly(4, 0);
        var sessionClose = wire.SessionClose is { Length: > 0 } sc ? ParseTime(sc, "session_close") : new TimeOnly(20, 0);
        return new TradingDay(date, open, close, sessionOpen, sessionClose);
    }

    /// <summary>Reads "09:30" or "0930" (Alpaca uses both forms in one calendar object).</summary>
    public static TimeOnly ParseTime(string text, string field)
    {
        if (TimeOnly.TryParseExact(text, ["HH:mm", "HHmm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
            return time;
        throw new FormatException($"calendar field '{field}' has an unexpected time '{text}'");
    }

    /// <summary>
    /// RFC 3339 timestamps. Trades and quotes carry nanoseconds, more digits than .NET keeps, so
    /// the fraction is cut to seven digits before parsing.
    /// </summary>
    private sealed class AlpacaTimestampConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.GetString() ?? throw new JsonException("timestamp is null");
            return ParseTimestamp(text);
        }

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
    }

    public static DateTimeOffset ParseTimestamp(string text)
    {
        var dot = text.IndexOf('.');
        if (dot >= 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end])) end++;
            if (end - dot - 1 > 7) text = string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(end));
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
            return value;
        throw new JsonException($"'{text}' is not an RFC 3339 timestamp");
    }
}
