using Microsoft.OpenApi;
using Scalar.AspNetCore;
using StockPlatform.MarketData.Domain;
using StockPlatform.Gateway.Security;

namespace StockPlatform.Gateway.Extensions;

/// <summary>The API described: <c>/openapi/v1.json</c> (Microsoft.AspNetCore.OpenApi) and a reference to try it at <c>/docs</c> (Scalar).</summary>
public static class ApiDocumentation
{
    // The one document there is. Its route matches only this name: any other falls through to
    // the API's own 404 (problem details), where the library would answer a plain-text one.
    private const string DocumentName = "v1";
    private const string DocumentRoute = "/openapi/{documentName:regex(^" + DocumentName + "$)}.json";

    /// <summary>Builds the OpenAPI document from the mapped endpoints, with the API key scheme.</summary>
    public static WebApplicationBuilder AddApiDocumentation(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(DocumentName, options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "StockPlatform gateway",
                Version = "v1",
                Description = "Your own stock-price database: backfill 1-minute bars from Alpaca (or MarketSim), read them at any interval (raw, or adjusted for splits "
                    + "and dividends) as JSON or CSV, read trades and quotes to the nanosecond, "
                    + "follow jobs live. Changes need the gateway's key in X-Api-Key; every error is RFC 7807 problem details.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["ApiKey"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyMiddleware.HeaderName,
                Description = "GATEWAY_API_KEY: required for every POST, PUT and DELETE.",
            };
            return Task.CompletedTask;
        }).AddOperationTransformer((operation, context, _) =>
        {
            // What the protection in front of every endpoint answers: 401 without the key where
            // one is needed (every change), 429 past the per-client rate.
            var method = context.Description.HttpMethod ?? "GET";
            operation.Responses ??= [];
            if (method is not ("GET" or "HEAD"))
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("ApiKey", context.Document)] = [] }];
                operation.Responses.TryAdd("401", Problem("No X-Api-Key, or not the gateway's key."));
            }
            operation.Responses.TryAdd("429", Problem("Too many requests from this client; Retry-After says when to try again."));

            // The query parameters every endpoint shares, each with what it takes and an example.
            foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
            {
                if (parameter.Name is { } name && Parameters.TryGetValue(name, out var known))
                {
                    parameter.Description ??= known.Description;
                    parameter.Example ??= System.Text.Json.Nodes.JsonValue.Create(known.Example);
                }
            }
            return Task.CompletedTask;
        }).AddExamples());
        return builder;
    }

    private static OpenApiResponse Problem(string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(nameof(Microsoft.AspNetCore.Mvc.ProblemDetails)) },
        },
    };

    private static readonly Dictionary<string, (string Description, string Example)> Parameters = new(StringComparer.Ordinal)
    {
        ["symbol"] = ($"A ticker, {Symbol.Rule} (matched case-insensitively).", "SPY"),
        ["symbols"] = ("Tickers separated by commas, at most 100.", "SPY,QQQ"),
        ["interval"] = ($"1m is as stored, the rest aggregated in New York time: {BarInterval.Rule}.", "5m"),
        ["start"] = ("First bar, trade or quote included: a New York date (YYYY-MM-DD) or an RFC 3339 time (trades and quotes: to the nanosecond), 1970..2199.", "2024-01-02"),
        ["end"] = ("Last bar, trade or quote included: a New York date (the whole day) or an RFC 3339 time (trades and quotes: to the nanosecond), 1970..2199.", "2024-03-28"),
        ["limit"] = ("Most items in the answer; for bars, trades and quotes 1..10000 (default 1000; without start and end, the latest ones); for logs 1..1000 (default 100).", "1000"),
        ["sort"] = ("asc (oldest first, the default) or desc (newest first).", "asc"),
        ["adjustment"] = ("raw (as traded, the default), split, dividend or all: prices (and, for splits, volumes) adjusted for the corporate actions after each bar's date, after aggregation to the interval.", "split"),
        ["session"] = ("regular (09:30 to the close) or extended (04:00 to 20:00); daily bars default to regular, intraday to extended.", "regular"),
        ["anchor"] = ("Where hourly buckets start: clock (:00, like Alpaca) or session (09:30).", "clock"),
        ["format"] = ("json (paged) or csv (the whole range in one streamed answer); Accept: text/csv does the same.", "csv"),
        ["page_token"] = ("next_page_token of the previous page of the same query.", "AQAAAAAI3CqdeSU..."),
        ["feed"] = ("iex (Alpaca's free feed) or sip.", "iex"),
        ["status"] = ("queued, running, succeeded, failed or cancelled.", "running"),
        ["tracked"] = ("true: only the symbols the live stream keeps current; false: only the others.", "true"),
        ["kind"] = ("An event kind or its prefix: job, job.progress, job.completed, job.failed, bar, bar.new, bar.correction, log.", "job"),
        ["agent"] = ("A service's agent name (gateway, ingestion, livestream, features), exactly.", "ingestion"),
        ["level"] = ("The minimum level shown: Trace, Debug, Information, Warning, Error or Critical (any case).", "Warning"),
        ["since"] = ("Records logged at or after: a New York date (YYYY-MM-DD) or an RFC 3339 time.", "2024-03-04T14:30:00Z"),
        ["until"] = ("Records logged up to: a New York date (the whole day) or an RFC 3339 time.", "2024-03-04"),
        ["q"] = ("Text the message contains, in any case (at most 200 characters).", "timeout"),
    };

    /// <summary>Maps the document and its reference page.</summary>
    public static WebApplication MapApiDocumentation(this WebApplication app)
    {
        app.MapOpenApi(DocumentRoute);
        app.MapScalarApiReference("/docs", options => options.WithTitle("StockPlatform gateway"));
        return app;
    }
}
