using System.Text.Json;
using System.Text.Json.Serialization;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.Frontend.Gateway;

/// <summary>
/// Reads the gateway's RFC 3339 timestamps with nine fraction digits into <see cref="NanoTime"/>
/// (a <see cref="DateTime"/> would drop everything below 100 ns).
/// </summary>
public sealed class NanoTimeJsonConverter : JsonConverter<NanoTime>
{
    public override NanoTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && NanoTime.TryParse(reader.GetString(), out var value)
            ? value
            : throw new JsonException("expected an RFC 3339 timestamp");

    public override void Write(Utf8JsonWriter writer, NanoTime value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
