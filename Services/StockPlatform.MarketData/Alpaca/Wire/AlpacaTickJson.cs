using System.Collections.ObjectModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.MarketData.Alpaca.Wire;

/// <summary>
/// Trades and quotes read with <see cref="Utf8JsonReader"/>, field by field, straight into the
/// domain records: a page of 10,000 quotes is read without an intermediate object per row, and the
/// one-letter strings (exchanges, tapes, most conditions) are shared instead of allocated each time.
/// The same row readers serve the REST pages and the stream's <c>t</c> and <c>q</c> messages.
/// </summary>
internal static class AlpacaTickJson
{
    private static readonly string[] Letters = [.. Enumerable.Range(0, 128).Select(c => ((char)c).ToString())];

    // Condition lists of one or two one-letter codes (["R"], ["@","I"]) cover nearly every row;
    // they are shared read-only lists built on first use.
    private static readonly IReadOnlyList<string>?[] OneCondition = new IReadOnlyList<string>?[128];
    private static readonly IReadOnlyList<string>?[] TwoConditions = new IReadOnlyList<string>?[128 * 128];

    /// <summary>Reads one trade object; the reader is on its <see cref="JsonTokenType.StartObject"/> and ends on its end.</summary>
    public static Trade ReadTrade(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject, "trade");
        NanoTime? time = null;
        decimal? price = null;
        long id = 0, size = 0;
        string exchange = string.Empty, tape = string.Empty;
        IReadOnlyList<string> conditions = [];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            reader.Read();
            if (name.Length == 1)
            {
                switch (name[0])
                {
                    case (byte)'t': time = ReadTime(ref reader); continue;
                    case (byte)'p': price = ReadDecimal(ref reader, "p"); continue;
                    case (byte)'s': size = ReadLong(ref reader, "s"); continue;
                    case (byte)'i': id = ReadLong(ref reader, "i"); continue;
                    case (byte)'x': exchange = ReadCode(ref reader); continue;
                    case (byte)'z': tape = ReadCode(ref reader); continue;
                    case (byte)'c': conditions = ReadConditions(ref reader); continue;
                }
            }
            reader.Skip(); // "T", "S", "u" and whatever Alpaca adds later
        }
        return new Trade(
            time ?? throw new JsonException("a trade has no timestamp 't'"),
            id,
            exchange,
            price ?? throw new JsonException("a trade has no price 'p'"),
            size,
            conditions,
            tape);
    }

    /// <summary>Reads one quote object; the reader is on its <see cref="JsonTokenType.StartObject"/> and ends on its end.</summary>
    public static Quote ReadQuote(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject, "quote");
        NanoTime? time = null;
        decimal bidPrice = 0, askPrice = 0;
        long bidSize = 0, askSize = 0;
        string bidExchange = string.Empty, askExchange = string.Empty, tape = string.Empty;
        IReadOnlyList<string> conditions = [];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            reader.Read();
            if (name.Length == 1)
            {
                switch (name[0])
                {
                    case (byte)'t': time = ReadTime(ref reader); continue;
                    case (byte)'z': tape = ReadCode(ref reader); continue;
                    case (byte)'c': conditions = ReadConditions(ref reader); continue;
                }
            }
            else if (name.Length == 2)
            {
                switch ((name[0], name[1]))
                {
                    case ((byte)'b', (byte)'p'): bidPrice = ReadDecimal(ref reader, "bp"); continue;
                    case ((byte)'b', (byte)'s'): bidSize = ReadLong(ref reader, "bs"); continue;
                    case ((byte)'b', (byte)'x'): bidExchange = ReadCode(ref reader); continue;
                    case ((byte)'a', (byte)'p'): askPrice = ReadDecimal(ref reader, "ap"); continue;
                    case ((byte)'a', (byte)'s'): askSize = ReadLong(ref reader, "as"); continue;
                    case ((byte)'a', (byte)'x'): askExchange = ReadCode(ref reader); continue;
                }
            }
            reader.Skip();
        }
        return new Quote(
            time ?? throw new JsonException("a quote has no timestamp 't'"),
            bidExchange, bidPrice, bidSize, askExchange, askPrice, askSize, conditions, tape);
    }

    /// <summary>A stream message's trade (the whole <c>{"T":"t",...}</c> object).</summary>
    public static Trade ReadTrade(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        return ReadTrade(ref reader);
    }

    /// <summary>A stream message's quote (the whole <c>{"T":"q",...}</c> object).</summary>
    public static Quote ReadQuote(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        return ReadQuote(ref reader);
    }

    /// <summary>
    /// Reads an RFC 3339 string with up to nine fraction digits. The fast path reads the bytes
    /// as they are; escaped or split values (never seen from Alpaca) take the string route.
    /// </summary>
    public static NanoTime ReadTime(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException($"timestamp 't' is {reader.TokenType}, not a string");
        if (!reader.HasValueSequence && !reader.ValueIsEscaped && AlpacaTimestamp.TryParse(reader.ValueSpan, out var fast)) return fast;
        var text = reader.GetString() ?? string.Empty;
        return NanoTime.TryParse(text, out var slow) ? slow : throw new JsonException($"'{text}' is not an RFC 3339 timestamp");
    }

    private static decimal ReadDecimal(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetDecimal(out var value)) return value;
        if (reader.TokenType == JsonTokenType.String && decimal.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return value;
        throw new JsonException($"'{field}' is not a decimal number");
    }

    private static long ReadLong(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (reader.TryGetInt64(out var value)) return value;
            // "100.0" or "1e2": whole numbers written as floats are still whole numbers.
            if (reader.TryGetDecimal(out var number) && number == decimal.Truncate(number) && number is >= long.MinValue and <= long.MaxValue) return (long)number;
        }
        else if (reader.TokenType == JsonTokenType.Null)
        {
            return 0;
        }
        throw new JsonException($"'{field}' is not a whole number");
    }

    private static string ReadCode(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return string.Empty;
        if (reader.TokenType != JsonTokenType.String) throw new JsonException($"expected a string code, found {reader.TokenType}");
        if (!reader.HasValueSequence && !reader.ValueIsEscaped && reader.ValueSpan is [var letter] && letter < 128) return Letters[letter];
        return reader.GetString() ?? string.Empty;
    }

    private static IReadOnlyList<string> ReadConditions(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return [];
        Expect(ref reader, JsonTokenType.StartArray, "conditions 'c'");
        string? first = null, second = null;
        List<string>? more = null;
        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var code = ReadCode(ref reader);
            switch (count++)
            {
                case 0: first = code; break;
                case 1: second = code; break;
                case 2: more = [first!, second!, code]; break;
                default: more!.Add(code); break;
            }
        }
        return count switch
        {
            0 => [],
            1 => Shared(first!),
            2 => Shared(first!, second!),
            _ => more!.ToArray(),
        };
    }

    private static IReadOnlyList<string> Shared(string code)
    {
        if (code.Length != 1 || code[0] >= 128) return [code];
        return OneCondition[code[0]] ??= new ReadOnlyCollection<string>([code]);
    }

    private static IReadOnlyList<string> Shared(string first, string second)
    {
        if (first.Length != 1 || second.Length != 1 || first[0] >= 128 || second[0] >= 128) return [first, second];
        return TwoConditions[(first[0] * 128) + second[0]] ??= new ReadOnlyCollection<string>([first, second]);
    }

    internal static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what)
    {
        if (reader.TokenType != type) throw new JsonException($"{what}: expected {type}, found {reader.TokenType}");
    }
}

/// <summary>
/// One page of <c>/v2/stocks/{symbol}/trades|quotes</c> (rows in an array) or
/// <c>/v2/stocks/trades|quotes?symbols=</c> (rows keyed by symbol). <see cref="Groups"/> keeps the
/// JSON's order; a single-symbol page has one group whose symbol is null (the caller knows it).
/// </summary>
internal abstract class WireTickPage<TRow>
{
    public List<KeyValuePair<string?, List<TRow>>> Groups { get; } = [];

    public string? Symbol { get; set; }

    public string? NextPageToken { get; set; }
}

[JsonConverter(typeof(Converter))]
internal sealed class WireTradesPage : WireTickPage<Trade>
{
    private sealed class Converter : WireTickPageConverter<WireTradesPage, Trade>
    {
        protected override ReadOnlySpan<byte> RowsKey => "trades"u8;

        protected override Trade ReadRow(ref Utf8JsonReader reader) => AlpacaTickJson.ReadTrade(ref reader);
    }
}

[JsonConverter(typeof(Converter))]
internal sealed class WireQuotesPage : WireTickPage<Quote>
{
    private sealed class Converter : WireTickPageConverter<WireQuotesPage, Quote>
    {
        protected override ReadOnlySpan<byte> RowsKey => "quotes"u8;

        protected override Quote ReadRow(ref Utf8JsonReader reader) => AlpacaTickJson.ReadQuote(ref reader);
    }
}

/// <summary>Reads either page shape; the serializer hands a converter the whole page buffered, so rows parse synchronously.</summary>
internal abstract class WireTickPageConverter<TPage, TRow> : JsonConverter<TPage>
    where TPage : WireTickPage<TRow>, new()
{
    protected abstract ReadOnlySpan<byte> RowsKey { get; }

    protected abstract TRow ReadRow(ref Utf8JsonReader reader);

    public override TPage Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        AlpacaTickJson.Expect(ref reader, JsonTokenType.StartObject, "page");
        var page = new TPage();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(RowsKey))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    page.Groups.Add(new(null, ReadRows(ref reader)));
                }
                else if (reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var symbol = reader.GetString();
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.Null) continue;
                        page.Groups.Add(new(symbol, ReadRows(ref reader)));
                    }
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    throw new JsonException($"'{Encoding.UTF8.GetString(RowsKey)}' is {reader.TokenType}, not an array or an object");
                }
            }
            else if (reader.ValueTextEquals("next_page_token"u8))
            {
                reader.Read();
                page.NextPageToken = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("symbol"u8))
            {
                reader.Read();
                page.Symbol = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return page;
    }

    public override void Write(Utf8JsonWriter writer, TPage value, JsonSerializerOptions options) =>
        throw new NotSupportedException("Alpaca pages are only read");

    private List<TRow> ReadRows(ref Utf8JsonReader reader)
    {
        AlpacaTickJson.Expect(ref reader, JsonTokenType.StartArray, "rows");
        var rows = new List<TRow>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) rows.Add(ReadRow(ref reader));
        return rows;
    }
}
