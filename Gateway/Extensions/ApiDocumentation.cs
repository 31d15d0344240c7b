using Microsoft.OpenApi;
using Scalar.AspNetCore;
using StockPlatform.Gateway.Security;

namespace StockPlatform.Gateway.Extensions;

/// <summary>The API described: <c>/openapi/v1.json</c> (Microsoft.AspNetCore.OpenApi) and a reference to try it at <c>/docs</c> (Scalar).</summary>
public static class ApiDocumentation
{
    /// <summary>Builds the OpenAPI document from the mapped endpoints, with the API key scheme.</summary>
    public static WebApplicationBuilder AddApiDocumentation(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "StockPlatform gateway",
                Version = "v1",
                Description = "Your own stock-price database: backfill 1-minute bars from Alpaca (or MarketSim), read them at any interval as JSON or CSV, "
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
        }));
        return builder;
    }

    /// <summary>Maps the document and its reference page.</summary>
    public static WebApplication MapApiDocumentation(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference("/docs", options => options.WithTitle("StockPlatform gateway"));
        return app;
    }
}
