using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.OpenApi;
using StockPlatform.MarketData.Calendar;
using StockPlatform.Storage.CorporateActions;
using StockPlatform.Storage.Jobs;

namespace StockPlatform.Gateway.Apis;

/// <summary>
/// <c>GET /corporate-actions/{symbol}</c>: the splits, dividends and other actions stored for a
/// symbol (by ex-date), with the factors <c>adjustment=</c> on the bars endpoints applies, and when
/// they were last refreshed from Alpaca (<c>null</c>: never, so adjusted bars are raw).
/// <c>POST /corporate-actions/refresh</c> queues a refresh as a <c>corporate-actions</c> job (one
/// window per symbol); the ingestion agent also queues one after every backfill that succeeds.
/// </summary>
public static class CorporateActionsApi
{
    /// <summary>Maps the corporate actions endpoints.</summary>
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
        app.MapPost("/corporate-actions/refresh", RefreshAsync)
            .WithName("RefreshCorporateActions")
            .WithTags("Corporate actions")
            .WithSummary("Queue a refresh of the corporate actions (splits, dividends and the rest) of symbols over a range of ex-dates")
            .Accepts<CorporateActionsRefreshRequest>("application/json");
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

    /// <summary>
    /// The body of <c>POST /corporate-actions/refresh</c>: ex-dates from <c>start</c> (default
    /// 2000-01-01) to <c>end</c> (default today; a later date takes in announced actions).
    /// </summary>
    public sealed record CorporateActionsRefreshRequest(
        [property: JsonPropertyName("symbols")] IReadOnlyList<string?>? Symbols,
        [property: JsonPropertyName("start")] string? Start,
        [property: JsonPropertyName("end")] string? End);

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

    internal static async Task<Results<Accepted<JobsApi.JobResponse>, Ok<JobsApi.JobResponse>, ValidationProblem>> RefreshAsync(
        HttpRequest request,
        JobStore jobs,
        IPublishEndpoint bus,
        TimeProvider time,
        ILogger<CorporateActionsRefreshRequest> logger,
        CancellationToken cancellationToken)
    {
        var problems = new ApiProblems();
        var body = await RequestParsing.JsonBody<CorporateActionsRefreshRequest>(request, """{"symbols": ["SPY"], "start": "2020-01-01"}""", problems, cancellationToken);
        if (problems.Any) return problems.ToResult();

        var symbols = RequestParsing.Symbols(body?.Symbols, "symbols", IngestApi.MaxSymbolsPerJob, "[\"SPY\", \"QQQ\"]", "per refresh; split the list over several", indexed: true, problems);
        var today = NewYorkTime.DateOf(time.GetUtcNow());
        var from = RequestParsing.Date(body?.Start, "start", new DateOnly(NyseCalendar.FirstYear, 1, 1), problems);
        var to = RequestParsing.Date(body?.End, "end", today, problems);
        if (from > to) problems.Add("start", $"start {from:yyyy-MM-dd} is after end {to:yyyy-MM-dd}.");
        if (problems.Any) return problems.ToResult();

        var (job, tasks, created) = await jobs.CreateOrGetActiveAsync(JobKinds.CorporateActions, [.. symbols.Select(s => s.Value)], from!.Value, to!.Value,
            JobKinds.CorporateActionsFeed, [], JobKinds.CorporateActionsWindows(from.Value, to.Value), cancellationToken);
        if (created) await IngestApi.PublishAsync(job, tasks, jobs, bus, logger, cancellationToken);
        var response = JobsApi.ToResponse(job);
        return created ? TypedResults.Accepted($"/jobs/{job.Id}", response) : TypedResults.Ok(response);
    }

    private static CorporateActionResponse ToResponse(StoredCorporateAction a) =>
        new(a.Id, a.Type, a.ExDate, a.ProcessDate, a.OldRate, a.NewRate, a.Rate, a.ReferenceClose, a.PriceFactor, a.VolumeFactor);
}
