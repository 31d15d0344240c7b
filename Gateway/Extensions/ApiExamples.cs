using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.OpenApi;
using StockPlatform.Gateway.Apis;

namespace StockPlatform.Gateway.Extensions;

/// <summary>
/// An example of every body the API answers with, for <c>/openapi/v1.json</c> and <c>/docs</c>.
/// Each is a real instance written with the API's own JSON options, so an example cannot drift
/// from the shape the endpoint sends.
/// </summary>
internal static class ApiExamples
{
    private static readonly DateTime Open = new(2024, 1, 2, 14, 30, 0, DateTimeKind.Utc);
    private static readonly Guid JobId = Guid.Parse("0193f2a8-5c1e-7d40-9b7a-4f1c2e8d9a01");

    private static BarsApi.BarResponse Bar(int minute, decimal open) =>
        new(Open.AddMinutes(minute), open, open + 0.12m, open - 0.05m, open + 0.07m, 41_250, 312, open + 0.04m, true);

    private static JobsApi.JobResponse Job => new(JobId, "SPY,QQQ", ["QQQ", "SPY"], new(2024, 1, 2), new(2024, 3, 28), "iex", "running",
        new JobsApi.JobProgress(61, 122, 47_580, 0, 0, new Dictionary<string, long> { ["bars"] = 47_580, ["trades"] = 1_912_406 }),
        null, Open.AddDays(90), Open.AddDays(90).AddMinutes(2), "backfill", ["bars", "trades"]);

    private static readonly Dictionary<Type, Func<object>> Examples = new()
    {
        [typeof(BarsApi.BarsResponse)] = () => new BarsApi.BarsResponse("SPY", "1m", "raw", [Bar(0, 472.16m), Bar(1, 472.23m)], "AQAAAAAI3CqdeSU..."),
        [typeof(BarsApi.MultiBarsResponse)] = () => new BarsApi.MultiBarsResponse("1m", "split",
            new Dictionary<string, IReadOnlyList<BarsApi.BarResponse>> { ["QQQ"] = [Bar(0, 402.50m)], ["SPY"] = [Bar(0, 472.16m)] }, null),
        [typeof(TicksApi.TradesResponse)] = () => new TicksApi.TradesResponse("SPY",
        [
            new("2024-01-02T14:30:00.123456789Z", "V", 472.16m, 100, ["@", "I"], 52_983_525_029_461, "B"),
            new("2024-01-02T14:30:00.123457001Z", "P", 472.17m, 200, ["@"], 52_983_525_029_467, "B"),
        ], "AwAXeN3rmaLWAAAAAAAAAAEBVtCV..."),
        [typeof(TicksApi.QuotesResponse)] = () => new TicksApi.QuotesResponse("SPY",
            [new("2024-01-02T14:30:00.000123456Z", "P", 472.15m, 2, "Q", 472.17m, 3, ["R"], "B")], null),
        [typeof(CorporateActionsApi.CorporateActionsResponse)] = () => new CorporateActionsApi.CorporateActionsResponse("NVDA", Open.AddDays(160),
        [
            new("3b2d9d8e-8c4f-4b4e-9a57-4b7f0c0e2f11", "cash_dividend", new(2024, 3, 5), new(2024, 3, 27), null, null, 0.04m, 852.37m, 0.999953072m, null),
            new("c5a8e0b2-1f61-4a57-8f3c-2d1e6b7a9c42", "forward_split", new(2024, 6, 10), new(2024, 6, 10), 1m, 10m, null, null, 0.1m, 10m),
        ]),
        [typeof(SymbolsApi.SymbolList)] = () => new SymbolsApi.SymbolList(
            [new("SPY", Open, Open.AddDays(86).AddHours(5.5), 23_010, 59, Open.AddDays(90), true, true, false)]),
        [typeof(SymbolsApi.SymbolDetail)] = () => new SymbolsApi.SymbolDetail("SPY", Open, Open.AddDays(86).AddHours(5.5), 23_010, 59, Open.AddDays(90), true, true, false, [Job]),
        [typeof(SymbolsApi.TrackingRequest)] = () => new SymbolsApi.TrackingRequest(Trades: true, Quotes: false),
        [typeof(SymbolsApi.TrackingResponse)] = () => new SymbolsApi.TrackingResponse("SPY", true, Open.AddDays(90), Trades: true, Quotes: false),
        [typeof(SymbolsApi.CoverageResponse)] = () => new SymbolsApi.CoverageResponse("SPY", "iex", new(2024, 1, 2), new(2024, 1, 5), "alpaca", 4, 3, 1,
            [new(new(2024, 1, 4), new(2024, 1, 4), 1)],
            [new(new(2024, 1, 2), true, 390), new(new(2024, 1, 3), true, 390), new(new(2024, 1, 4), false, null), new(new(2024, 1, 5), true, 390)]),
        [typeof(JobsApi.JobResponse)] = () => Job,
        [typeof(JobsApi.JobList)] = () => new JobsApi.JobList([Job]),
        [typeof(JobsApi.WindowList)] = () => new JobsApi.WindowList(JobId,
        [
            new(0, "SPY", new(2024, 1, 2), new(2024, 2, 14), "done", 1, 30, 23_400, 0, null, null, Open.AddDays(90),
                new Dictionary<string, long> { ["bars"] = 23_400, ["trades"] = 1_430_112 }),
            new(1, "SPY", new(2024, 2, 15), new(2024, 3, 28), "pending", 1, 12, 9_360, 0, "Alpaca answered 503 Service Unavailable", Open.AddDays(90).AddMinutes(1), Open.AddDays(90),
                new Dictionary<string, long> { ["bars"] = 9_360, ["trades"] = 482_294 }),
        ]),
        [typeof(ArchiveApi.PartitionList)] = () => new ArchiveApi.PartitionList(2, 1_905, 96_512,
        [
            new("bars", "SPY", new(2024, 1, 2), "parquet/bars/symbol=SPY/month=2024-01/part-0.parquet", 953, Open.AddHours(-5.5), Open.AddHours(10.48), 96_512,
                "5f1c0a9e3b7d2c4e8a6f1b0d9c3e7a2f4b8d6c1e0a9f3b7d2c5e8a1f4b6d9c0e", Open.AddDays(1), "month", "0c4e8a2f6b1d9c3e7a5f0b4d8c2e6a1f9b3d7c5e0a4f8b2d6c1e9a3f7b5d0c4e"),
            new("bars", "SPY", new(2024, 1, 3), "parquet/bars/symbol=SPY/month=2024-01/part-0.parquet", 952, Open.AddDays(1).AddHours(-5.5), Open.AddDays(1).AddHours(10.48), 96_512,
                "5f1c0a9e3b7d2c4e8a6f1b0d9c3e7a2f4b8d6c1e0a9f3b7d2c5e8a1f4b6d9c0e", Open.AddDays(1), "month", "9a3f7b5d0c4e8a2f6b1d9c3e7a5f0b4d8c2e6a1f0c4e8a2f6b1d9c3e7a5f0b4d"),
        ], 1),
        [typeof(IngestApi.IngestResponse)] = () => new IngestApi.IngestResponse(JobId, "SPY", new(2024, 1, 2), new(2024, 3, 28), "iex", "queued", ["bars"]),
        [typeof(IngestApi.BackfillRequest)] = () => new IngestApi.BackfillRequest(["SPY", "QQQ"], "2024-01-02", "2024-03-28", "iex", ["bars", "trades"]),
        [typeof(CorporateActionsApi.CorporateActionsRefreshRequest)] = () => new CorporateActionsApi.CorporateActionsRefreshRequest(["SPY", "AAPL"], "2020-01-01", null),
        [typeof(AgentsApi.AgentList)] = () => new AgentsApi.AgentList(5,
        [
            new("ingestion", "worker-1-4821-9f3a", "0.1.0+b02feae", "ok", "working", false, "SPY,QQQ 2024-01-02..2024-02-14 page 3", 0.42,
                new Dictionary<string, long> { ["bars_inserted"] = 47_580, ["pages_fetched"] = 12 }, Open.AddDays(90), Open.AddDays(90).AddMinutes(3), 1.2, 5),
            new("features", "worker-2-4907-0c11", "0.1.0+b02feae", "stalled", "idle", false, null, null,
                new Dictionary<string, long> { ["rebuilds_done"] = 2 }, Open.AddDays(90), Open.AddDays(90).AddMinutes(2), 21.5, 5),
        ], [new("livestream", true, Open.AddDays(90).AddMinutes(1))]),
        [typeof(AgentsApi.ControlResponse)] = () => new AgentsApi.ControlResponse("ingestion", true, Open.AddDays(90).AddMinutes(1)),
        [typeof(AgentsApi.AlertList)] = () => new AgentsApi.AlertList(
            [new(7, "agent-stalled", "features", "worker-2-4907-0c11", null, "features instance worker-2-4907-0c11 has sent no heartbeat for 21 s (it was idle)",
                Open.AddDays(90).AddMinutes(3), null)]),
        [typeof(LogsApi.LogsResponse)] = () => new LogsApi.LogsResponse(
        [
            new(48_213, Open.AddDays(90).AddTicks(1_234_560), "Warning", "ingestion", "host-4242-ab12", "StockPlatform.Ingestion.Backfill.BatchBackfiller", "SPY", "fetch",
                "Attempt 1 of 5 for SPY 2024-01-02..2024-01-05 failed (Alpaca answered 503 Service Unavailable); trying again at 2024-04-01T14:30:05.0000000+00:00",
                "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", null,
                JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["Attempt"] = 1, ["MaxAttempts"] = 5, ["Start"] = "2024-01-02", ["End"] = "2024-01-05" })),
            new(48_190, Open.AddDays(90).AddSeconds(-2), "Information", "gateway", "host-4100-c3d4", "Microsoft.Hosting.Lifetime", null, null,
                "Application started. Press Ctrl+C to shut down.", null, null, null, null),
        ], "AgAAAAAAALxFCNw..."),
        [typeof(HttpValidationProblemDetails)] = () => new HttpValidationProblemDetails(new Dictionary<string, string[]>
        {
            ["end"] = ["9999-12-31 is out of range; dates must be between 1970-01-01 and 2199-12-31."],
        })
        {
            Type = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            Title = "One or more validation errors occurred.",
            Status = StatusCodes.Status400BadRequest,
            Extensions = { ["traceId"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" },
        },
        [typeof(ProblemDetails)] = () => new ProblemDetails
        {
            Type = "https://tools.ietf.org/html/rfc9110#section-15.5.5",
            Title = "Job not found",
            Status = StatusCodes.Status404NotFound,
            Detail = $"There is no job {JobId}.",
            Extensions = { ["traceId"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" },
        },
    };

    /// <summary>Sets the example of each schema that has one.</summary>
    public static OpenApiOptions AddExamples(this OpenApiOptions options) =>
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (Examples.TryGetValue(context.JsonTypeInfo.Type, out var example))
            {
                var json = context.ApplicationServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
                schema.Examples = [JsonSerializer.SerializeToNode(example(), context.JsonTypeInfo.Type, json)!];
            }
            return Task.CompletedTask;
        });

    /// <summary>The types with an example (the tests check each reaches the document).</summary>
    public static IEnumerable<Type> Types => Examples.Keys;
}
