using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StockPlatform.Storage.Bars;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace StockPlatform.Gateway.Apis;

/// <summary>
/// A page of bars as JSON, written with <see cref="Utf8JsonWriter"/> onto the response as the
/// store hands the bars over (see <see cref="BarStore.StreamBarsAsync"/>): the same document
/// <see cref="BarsApi.BarsResponse"/> (one symbol) or <see cref="BarsApi.MultiBarsResponse"/>
/// (several) serializes to, without a response object per bar or a page held whole. Nothing is
/// written before the first bar (or the end of an empty page), so a read that fails at once is
/// still answered with problem details; one that fails midway cuts the connection, since the
/// client already holds part of a document.
/// </summary>
/// <param name="symbol">The symbol of a single-symbol read (its document shape), null for several.</param>
/// <param name="interval">The interval's name.</param>
/// <param name="adjustment">The adjustment's name.</param>
/// <param name="readPage">Reads the page into the writer it is given; returns the next page's token.</param>
internal sealed class BarsJson(string? symbol, string interval, string adjustment, Func<BarsJson.Page, CancellationToken, Task<string?>> readPage)
    : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    /// <inheritdoc/>
    public int? StatusCode => StatusCodes.Status200OK;

    /// <inheritdoc/>
    public string ContentType => "application/json; charset=utf-8";

    /// <summary>Reads the page onto the response.</summary>
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        var cancellationToken = httpContext.RequestAborted;
        // The API's own encoder, so strings are escaped exactly as its other answers escape them.
        var encoder = httpContext.RequestServices.GetRequiredService<IOptions<HttpJsonOptions>>().Value.SerializerOptions.Encoder;
        var page = new Page(response, new JsonWriterOptions { Encoder = encoder, SkipValidation = true }, symbol, interval, adjustment);
        await using (page)
        {
            string? next;
            try
            {
                next = await readPage(page, cancellationToken);
            }
            catch (Exception e) when (page.Started && e is not OperationCanceledException)
            {
                httpContext.RequestServices.GetRequiredService<ILogger<BarsJson>>().LogWarning(e, "A bars page failed after it began; the response was cut off");
                httpContext.Abort();
                return;
            }
            await page.EndAsync(next, cancellationToken);
        }
    }

    /// <summary>The document being written: bars go in symbol by symbol, in reading order.</summary>
    internal sealed class Page(HttpResponse response, JsonWriterOptions options, string? single, string interval, string adjustment) : IAsyncDisposable
    {
        // The pipe is flushed every this many bars, so a large page leaves in pieces rather than sitting whole in its buffer.
        private const int BarsPerFlush = 500;

        private Utf8JsonWriter? _json;
        private string? _current;
        private int _unflushed;

        /// <summary>True once anything was written.</summary>
        public bool Started => _json is not null;

        /// <summary>Writes one bar of <paramref name="symbolName"/>.</summary>
        public async ValueTask WriteAsync(string symbolName, StoredBar bar, CancellationToken cancellationToken)
        {
            var json = Begin();
            if (!string.Equals(_current, symbolName, StringComparison.Ordinal))
            {
                if (_current is not null) json.WriteEndArray();
                if (single is null) json.WritePropertyName(symbolName);
                json.WriteStartArray();
                _current = symbolName;
            }
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
            if (++_unflushed == BarsPerFlush)
            {
                _unflushed = 0;
                json.Flush();
                await response.BodyWriter.FlushAsync(cancellationToken);
            }
        }

        /// <summary>Closes the document with the next page's token.</summary>
        public async Task EndAsync(string? nextPageToken, CancellationToken cancellationToken)
        {
            var json = Begin();
            if (single is not null)
            {
                if (_current is null) json.WriteStartArray(); // an empty page: "bars": []
                json.WriteEndArray();
            }
            else
            {
                if (_current is not null) json.WriteEndArray();
                json.WriteEndObject();
            }
            if (nextPageToken is null) json.WriteNull("next_page_token"u8);
            else json.WriteString("next_page_token"u8, nextPageToken);
            json.WriteEndObject();
            await json.FlushAsync(cancellationToken);
        }

        /// <inheritdoc/>
        public ValueTask DisposeAsync() => _json?.DisposeAsync() ?? ValueTask.CompletedTask;

        // The status, the type and the document's head, written with the first bar (or at the end).
        private Utf8JsonWriter Begin()
        {
            if (_json is not null) return _json;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json; charset=utf-8";
            PipeWriter pipe = response.BodyWriter;
            _json = new Utf8JsonWriter(pipe, options);
            _json.WriteStartObject();
            if (single is not null) _json.WriteString("symbol"u8, single);
            _json.WriteString("interval"u8, interval);
            _json.WriteString("adjustment"u8, adjustment);
            if (single is not null) _json.WritePropertyName("bars"u8);
            else _json.WriteStartObject("bars"u8);
            return _json;
        }
    }
}
