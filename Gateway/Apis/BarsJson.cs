using System.Text.Json;
using Microsoft.Extensions.Options;
using StockPlatform.Storage.Bars;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace StockPlatform.Gateway.Apis;

/// <summary>
/// A page of bars as JSON, written with <see cref="Utf8JsonWriter"/> straight from the store's
/// bars onto the response: the same document <see cref="BarsApi.BarsResponse"/> (one symbol) or
/// <see cref="BarsApi.MultiBarsResponse"/> (several) serializes to, without a response object per
/// bar or the serializer's reflection on the way (the page is up to 10,000 bars, read often).
/// </summary>
internal sealed class BarsJson(string? symbol, string interval, string adjustment, IReadOnlyList<(string Symbol, IReadOnlyList<StoredBar> Bars)> parts, string? nextPageToken)
    : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    // The pipe is flushed every this many bars, so a large page leaves in pieces rather than sitting whole in its buffer.
    private const int BarsPerFlush = 500;

    /// <inheritdoc/>
    public int? StatusCode => StatusCodes.Status200OK;

    /// <inheritdoc/>
    public string ContentType => "application/json; charset=utf-8";

    /// <summary>Writes the document: a single symbol's shape when <c>symbol</c> was given, else bars keyed by symbol.</summary>
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        var cancellationToken = httpContext.RequestAborted;
        // The API's own encoder, so strings are escaped exactly as its other answers escape them.
        var encoder = httpContext.RequestServices.GetRequiredService<IOptions<HttpJsonOptions>>().Value.SerializerOptions.Encoder;
        var pipe = response.BodyWriter;
        await using var json = new Utf8JsonWriter(pipe, new JsonWriterOptions { Encoder = encoder, SkipValidation = true });

        json.WriteStartObject();
        if (symbol is not null) json.WriteString("symbol"u8, symbol);
        json.WriteString("interval"u8, interval);
        json.WriteString("adjustment"u8, adjustment);
        if (symbol is not null)
        {
            json.WritePropertyName("bars"u8);
            await WriteBarsAsync(json, parts.Count > 0 ? parts[0].Bars : [], pipe, cancellationToken);
        }
        else
        {
            json.WriteStartObject("bars"u8);
            foreach (var (name, bars) in parts)
            {
                json.WritePropertyName(name);
                await WriteBarsAsync(json, bars, pipe, cancellationToken);
            }
            json.WriteEndObject();
        }
        if (nextPageToken is null) json.WriteNull("next_page_token"u8);
        else json.WriteString("next_page_token"u8, nextPageToken);
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
    }

    private static async Task WriteBarsAsync(Utf8JsonWriter json, IReadOnlyList<StoredBar> bars, System.IO.Pipelines.PipeWriter pipe, CancellationToken cancellationToken)
    {
        json.WriteStartArray();
        for (var i = 0; i < bars.Count; i++)
        {
            var bar = bars[i];
            json.WriteStartObject();
            // UtcDateTime and decimals: the serializer's own formats (ISO 8601 with Z, shortest decimal).
            json.WriteString("timestamp"u8, bar.Timestamp.UtcDateTime);
            json.WriteNumber("open"u8, bar.Open);
            json.WriteNumber("high"u8, bar.High);
            json.WriteNumber("low"u8, bar.Low);
            json.WriteNumber("close"u8, bar.Close);
            json.WriteNumber("volume"u8, bar.Volume);
            json.WriteNumber("trade_count"u8, bar.TradeCount);
            json.WriteNumber("vwap"u8, bar.Vwap);
            json.WriteBoolean("complete"u8, bar.IsComplete);
            json.WriteEndObject();
            if ((i + 1) % BarsPerFlush == 0)
            {
                json.Flush();
                await pipe.FlushAsync(cancellationToken);
            }
        }
        json.WriteEndArray();
    }
}
