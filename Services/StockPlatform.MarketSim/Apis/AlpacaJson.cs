using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.MarketSim.Apis;

/// <summary>
/// Alpaca's number and time formats: prices as plain JSON numbers without trailing zeros
/// (<c>174</c>, <c>174.84</c>, never <c>174.00</c>), bar timestamps as <c>2024-03-08T14:35:00Z</c>,
/// trade and quote timestamps with nine fraction digits (<c>2024-03-08T14:35:00.123456789Z</c>).
/// </summary>
internal static class AlpacaJson
{
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    /// <summary>Registers the converters on the options minimal APIs serialize with.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new BarConverter());
        options.Converters.Add(new TradeConverter());
        options.Converters.Add(new QuoteConverter());
        options.Converters.Add(new DecimalConverter());
    }

    /// <summary>
    /// The same value with the smallest scale: System.Text.Json writes a decimal with the scale it
    /// carries, and 174.00m would come out as <c>174.00</c>. Dividing by 1 with 28 zeros strips them.
    /// </summary>
    public static decimal Normalize(decimal value) => value / 1.0000000000000000000000000000m;

    public static string FormatTimestamp(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    /// <summary>Writes the bar fields (<c>t,o,h,l,c,v,n,vw</c>) into the current object.</summary>
    public static void WriteBarFields(Utf8JsonWriter writer, Bar bar)
    {
        writer.WriteString("t", FormatTimestamp(bar.Timestamp));
        writer.WriteNumber("o", Normalize(bar.Open));
        writer.WriteNumber("h", Normalize(bar.High));
        writer.WriteNumber("l", Normalize(bar.Low));
        writer.WriteNumber("c", Normalize(bar.Close));
        writer.WriteNumber("v", bar.Volume);
        writer.WriteNumber("n", bar.TradeCount);
        writer.WriteNumber("vw", Normalize(bar.Vwap));
    }

    /// <summary>A trade's fields in the order of Alpaca's REST rows: <c>t,x,p,s,c,i,z</c>.</summary>
    public static void WriteTradeFields(Utf8JsonWriter writer, Trade trade)
    {
        writer.WriteString("t", trade.Time.ToString());
        writer.WriteString("x", trade.Exchange);
        writer.WriteNumber("p", Normalize(trade.Price));
        writer.WriteNumber("s", trade.Size);
        WriteConditions(writer, trade.Conditions);
        writer.WriteNumber("i", trade.Id);
        writer.WriteString("z", trade.Tape);
    }

    /// <summary>A quote's fields in the order of Alpaca's REST rows: <c>t,ax,ap,as,bx,bp,bs,c,z</c>.</summary>
    public static void WriteQuoteFields(Utf8JsonWriter writer, Quote quote)
    {
        writer.WriteString("t", quote.Time.ToString());
        writer.WriteString("ax", quote.AskExchange);
        writer.WriteNumber("ap", Normalize(quote.AskPrice));
        writer.WriteNumber("as", quote.AskSize);
        writer.WriteString("bx", quote.BidExchange);
        writer.WriteNumber("bp", Normalize(quote.BidPrice));
        writer.WriteNumber("bs", quote.BidSize);
        WriteConditions(writer, quote.Conditions);
        writer.WriteString("z", quote.Tape);
    }

    public static void WriteConditions(Utf8JsonWriter writer, IReadOnlyList<string> conditions)
    {
        writer.WriteStartArray("c");
        foreach (var condition in conditions) writer.WriteStringValue(condition);
        writer.WriteEndArray();
    }

    private static string[] ReadConditions(JsonElement e) =>
        e.TryGetProperty("c", out var c) && c.ValueKind == JsonValueKind.Array ? [.. c.EnumerateArray().Select(x => x.GetString() ?? string.Empty)] : [];

    private sealed class TradeConverter : JsonConverter<Trade>
    {
        public override Trade Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            var e = document.RootElement;
            return new Trade(NanoTime.Parse(e.GetProperty("t").GetString()!), e.GetProperty("i").GetInt64(), e.GetProperty("x").GetString()!,
                e.GetProperty("p").GetDecimal(), e.GetProperty("s").GetInt64(), ReadConditions(e), e.GetProperty("z").GetString()!);
        }

        public override void Write(Utf8JsonWriter writer, Trade value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            WriteTradeFields(writer, value);
            writer.WriteEndObject();
        }
    }

    private sealed class QuoteConverter : JsonConverter<Quote>
    {
        public override Quote Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            var e = document.RootElement;
            return new Quote(NanoTime.Parse(e.GetProperty("t").GetString()!),
                e.GetProperty("bx").GetString()!, e.GetProperty("bp").GetDecimal(), e.GetProperty("bs").GetInt64(),
                e.GetProperty("ax").GetString()!, e.GetProperty("ap").GetDecimal(), e.GetProperty("as").GetInt64(),
                ReadConditions(e), e.GetProperty("z").GetString()!);
        }

        public override void Write(Utf8JsonWriter writer, Quote value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            WriteQuoteFields(writer, value);
            writer.WriteEndObject();
        }
    }

    private sealed class BarConverter : JsonConverter<Bar>
    {
        public override Bar Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            var e = document.RootElement;
            return new Bar(
                DateTimeOffset.Parse(e.GetProperty("t").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime(),
                e.GetProperty("o").GetDecimal(),
                e.GetProperty("h").GetDecimal(),
                e.GetProperty("l").GetDecimal(),
                e.GetProperty("c").GetDecimal(),
                e.GetProperty("v").GetInt64(),
                e.TryGetProperty("n", out var n) ? n.GetInt64() : 0,
                e.TryGetProperty("vw", out var vw) ? vw.GetDecimal() : 0);
        }

        public override void Write(Utf8JsonWriter writer, Bar value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            WriteBarFields(writer, value);
            writer.WriteEndObject();
        }
    }

    private sealed class DecimalConverter : JsonConverter<decimal>
    {
        public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDecimal();

        public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) =>
            writer.WriteNumberValue(Normalize(value));
    }
}
