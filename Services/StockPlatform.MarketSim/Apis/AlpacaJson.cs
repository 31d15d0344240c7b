using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.MarketSim.Apis;

/// <summary>
/// Alpaca's number and time formats: prices as plain JSON numbers without trailing zeros
/// (<c>174</c>, <c>174.84</c>, never <c>174.00</c>) and timestamps as <c>2024-03-08T14:35:00Z</c>.
/// </summary>
internal static class AlpacaJson
{
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    /// <summary>Registers the converters on the options minimal APIs serialize with.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new BarConverter());
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
