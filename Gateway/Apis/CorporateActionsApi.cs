using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.OpenApi;
using StockPlatform.Storage.CorporateActions;

namespace StockPlatform.Gateway.Apis;

/// <summary>
/// <c>GET /corporate-actions/{symbol}</c>: the splits, dividends and other actions stored for a
/// symbol (by ex-date), with the factors <c>adjustment=</c> on the bars endpoints applies, and when
/// they were last refreshed from Alpaca (<c>null</c>: never, so adjusted bars are raw).
/// </summary>
public static class CorporateActionsApi
{
    /// <summary>Maps the corporate actions read endpoint.</summary>
    public static IEndpointRouteBuilder MapCorporateActionsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/corporate-actions/{symbol}", GetActionsAsync)
            .WithName("GetCorporateActions")
            .WithTags("Corporate actions")
            .WithSummary("A symbol's stored corporate actions with an ex-date in [start, end] (by ex-date), their adjustment factors, and when they were last refreshed")
            .Produces<CorporateActionsResponse>()
            .ProducesValidationProblem()
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // Ex-dates are dates: the shared start/end descriptions speak of times too.
                foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
                {
                    if (parameter.Name is "start" or "end")
                    {
                        parameter.Description = $"{(parameter.Name == "start" ? "First" : "Last")} ex-date included (YYYY-MM-DD, 1970..2199); none: no bound.";
                        parameter.Example = JsonValue.Create(parameter.Name == "start" ? "2024-01-01" : "2024-12-31");
                    }
                }
                return Task.CompletedTask;
            });
        return app;
    }

    /// <summary>
    /// One action: <c>type</c> as Alpaca names it (<c>forward_split</c>, <c>reverse_split</c>,
    /// <c>cash_dividend</c>, ...); <c>price_factor</c> multiplies earlier prices and
    /// <c>volume_factor</c> earlier volumes (null when the action does not adjust bars, or a
    /// dividend's <c>reference_close</c>, the raw close before its ex-date, is not stored yet).
    /// </summary>
    public sealed record CorporateActionResponse(
        string Id, string Type, DateOnly? ExDate, DateOnly? ProcessDate, decimal? OldRate, decimal? NewRate, decimal? Rate,
        decimal? ReferenceClose, decimal? PriceFactor, decimal? VolumeFactor);

    /// <summary>The body of <c>GET /corporate-actions/{symbol}</c>.</summary>
    public sealed record CorporateActionsResponse(string Symbol, DateTime? RefreshedAt, IReadOnlyList<CorporateActionResponse> Actions);

    internal static async Task<Results<Ok<CorporateActionsResponse>, ValidationProblem>> GetActionsAsync(
        string symbol, string? start, string? end, CorporateActionStore actions, CancellationToken cancellationToken)
    {
        var problems = new ApiProblems();
        var ticker = RequestParsing.Symbol(symbol, problems);
        DateOnly? from = string.IsNullOrWhiteSpace(start) ? null : RequestParsing.Date(start, "start", RequestParsing.MinDate, problems);
        DateOnly? to = string.IsNullOrWhiteSpace(end) ? null : RequestParsing.Date(end, "end", RequestParsing.MaxDate, problems);
        if (from is { } f && to is { } t && t < f) problems.Add("start", "start must not be after end.");
        if (problems.Any) return problems.ToResult();

        var name = ticker!.Value.Value;
        var stored = await actions.GetAsync(name, from, to, cancellationToken);
        var refresh = await actions.GetRefreshAsync(name, cancellationToken);
        return TypedResults.Ok(new CorporateActionsResponse(name, refresh?.RefreshedAt.UtcDateTime, [.. stored.Select(ToResponse)]));
    }

    private static CorporateActionResponse ToResponse(StoredCorporateAction a) =>
        new(a.Id, a.Type, a.ExDate, a.ProcessDate, a.OldRate, a.NewRate, a.Rate, a.ReferenceClose, a.PriceFactor, a.VolumeFactor);
}
