using System.Text.Json;
using Microsoft.Extensions.Options;
using StockPlatform.Storage.Bars;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace StockPlatform.Gateway.Apis;

/// <summary>
/// A page of bars as JSON, written with <see cref="Utf8JsonWriter"/> onto the response as the
/// store hands the bars over: the same document <see cref="BarsApi.BarsResponse"/> (one symbol) or
/// <see cref="BarsApi.MultiBarsResponse"/> (several) serializes to, without a response object per
/// bar, the serializer's reflection, or the page held whole (it is up to 10,000 bars, read often).
/// Nothing is written before the first bar arrives, so a read that fails at once still answers
/// problem details; one that fails after its resumes, mid-page, breaks the connection (a JSON
/// client sees a broken response, never a short page).
/// </summary>
/// <param name="symbol">The symbol of a single-symbol read; null for bars keyed by symbol.</param>
/// <param name="readPage">Reads the page, handing each bar with its symbol (symbol after symbol); returns the next page's token.</param>
internal sealed class BarsJson(string? symbol, string interval, string adjustment, Func<Func<string, StoredBar, ValueTask>, CancellationToken, Task<string?>> readPage)
    : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    // The pipe is flushed every this many bars, so a large page leaves in pieces rather than sitting whole in its buffer.
    private const int BarsPerFlush = 500;

    /// <inheritdoc/>
    public int? StatusCode => StatusCodes.Status200OK;

    /// <inheritdoc/>
    public string ContentType => "application/json; charset=utf-8";

    /// <summary>Reads the page and writes the document: a single symbol's shape when <c>symbol</c> was given, else bars keyed by symbol.</summary>
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        var cancellationToken = httpContext.RequestAborted;
        // The API's own encoder, so strings are escaped exactly as its other answers escape them.
        var encoder = httpContext.RequestServices.GetRequiredService<IOptions<HttpJsonOptions>>().Value.SerializerOptions.Encoder;
        var pipe = response.BodyWriter;
        Utf8JsonWriter? json = null;
        string? open = null;
        var unflushed = 0;

        async ValueTask WriteAsync(string name, StoredBar bar)
        {
            json ??= Begin();
            if (symbol is null && name != open)
            {
                if (open is not null) json.WriteEndArray();
                json.WritePropertyName(name);
                json.WriteStartArray();
                open = name;
            }
            WriteBar(json, bar);
            if (++unflushed == BarsPerFlush)
            {
                unflushed = 0;
                json.Flush();
                await pipe.FlushAsync(cancellationToken);
            }
        }

        Utf8JsonWriter Begin()
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = ContentType;
            var writer = new Utf8JsonWriter(pipe, new JsonWriterOptions { Encoder = encoder, SkipValidation = true });
            writer.WriteStartObject();
            if (symbol is not null) writer.WriteString("symbol"u8, symbol);
            writer.WriteString("interval"u8, interval);
            writer.WriteString("adjustment"u8, adjustment);
            if (symbol is not null) writer.WriteStartArray("bars"u8);
            else writer.WriteStartObject("bars"u8);
            return writer;
        }

        var next = await readPage(WriteAsync, cancellationToken);
        json ??= Begin();
        // Symbols without bars in the page are absent, as they are from the serialized response.
        if (symbol is not null || open is not null) json.WriteEndArray();
        if (symbol is null) json.WriteEndObject();
        if (next is null) json.WriteNull("next_page_token"u8);
        else json.WriteString("next_page_token"u8, next);
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
        await json.DisposeAsync();
    }

    private static void WriteBar(Utf8JsonWriter json, StoredBar bar)
    {
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
    }
}
