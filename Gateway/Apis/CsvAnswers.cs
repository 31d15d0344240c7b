using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace StockPlatform.Gateway.Apis;

/// <summary>What the endpoints that answer JSON or CSV share: RFC 4180 fields, the 406 answer and the CSV half of their OpenAPI description.</summary>
internal static class CsvAnswers
{
    /// <summary>A CSV field (RFC 4180): quoted when it holds a separator, a quote or a line break, its quotes doubled.</summary>
    public static string Field(string text) =>
        text.AsSpan().IndexOfAny(",\"\n\r") < 0 ? text : $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    /// <summary>
    /// 406 for a client that accepts neither JSON nor CSV. The problem-details service stands aside
    /// when the client accepts no JSON, so the trace is named here.
    /// </summary>
    public static IResult NotAcceptable(HttpContext context, string what) =>
        TypedResults.Problem(statusCode: StatusCodes.Status406NotAcceptable, title: "Not acceptable",
            detail: $"{what} are served as application/json or {RequestParsing.CsvType} (or format=csv); the request accepts neither.",
            extensions: new Dictionary<string, object?> { ["traceId"] = System.Diagnostics.Activity.Current?.Id ?? context.TraceIdentifier });

    /// <summary>Documents the 200 answer as CSV too (a header line, then one line per row), with <paramref name="example"/>.</summary>
    public static RouteHandlerBuilder ProducesCsv(this RouteHandlerBuilder endpoint, string example) =>
        endpoint.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse response)
            {
                response.Content ??= new Dictionary<string, OpenApiMediaType>();
                response.Content[RequestParsing.CsvType] = new OpenApiMediaType
                {
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    Example = JsonValue.Create(example),
                };
            }
            return Task.CompletedTask;
        });
}
