using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace StockPlatform.IntegrationTests.Gateway.BadInput;

/// <summary>
/// A request body as bytes and a content type, so the same case can be sent again (to the gateway
/// in-process and to the gateway as a process) without an <see cref="HttpContent"/> being reused.
/// </summary>
internal sealed record BadBody(byte[] Bytes, string? ContentType)
{
    /// <summary>Text sent as JSON (whether or not it is JSON).</summary>
    public static BadBody Text(string text, string? contentType = "application/json") => new(Encoding.UTF8.GetBytes(text), contentType);

    /// <summary>An object serialized as JSON.</summary>
    public static BadBody Json(object body) => Text(JsonSerializer.Serialize(body));

    public HttpContent ToContent()
    {
        var content = new ByteArrayContent(Bytes);
        if (ContentType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
        return content;
    }
}

/// <summary>
/// One bad request and what it must get. <paramref name="Field"/>: the field its 400 problem must
/// name (null: any 4xx problem). <paramref name="Tolerated"/>: a request the gateway may also
/// answer (a junk query on a route that takes none, a read-only query over the archive), so any
/// status but a 5xx is fine; the leak checks, the timeout and the unchanged state still apply.
/// <paramref name="Keyless"/>: sent without the API key.
/// </summary>
internal sealed record BadRequest(HttpMethod Method, string Url, string? Field, BadBody? Body = null, Action<HttpRequestMessage>? Headers = null,
    bool Tolerated = false, bool Keyless = false)
{
    public override string ToString()
    {
        var body = Body is null ? "" : " " + Encoding.UTF8.GetString(Body.Bytes, 0, Math.Min(Body.Bytes.Length, 80)).Replace('\n', ' ');
        return $"{Method} {Url[..Math.Min(Url.Length, 120)]}{body}";
    }

    public HttpRequestMessage ToMessage(string? apiKey)
    {
        var request = new HttpRequestMessage(Method, Url) { Content = Body?.ToContent() };
        if (!Keyless && apiKey is not null) request.Headers.TryAddWithoutValidation("X-Api-Key", apiKey);
        Headers?.Invoke(request);
        return request;
    }
}
