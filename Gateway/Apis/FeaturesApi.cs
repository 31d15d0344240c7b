using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StockPlatform.Gateway.Extensions;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Features;
using StockPlatform.Storage.Jobs;

namespace StockPlatform.Gateway.Apis;

/// <summary>
/// Versioned features: <c>GET /features</c> (every feature set version, its columns, parameters
/// and the builds of the code that computed it), <c>GET /features/{symbol}</c> (a symbol's values
/// for one set, version and interval, JSON or CSV) and <c>POST /features/rebuild</c> (API key:
/// recompute a set for symbols over a range, as a job with progress).
/// </summary>
public static class FeaturesApi
{
    /// <summary>The intervals features are computed for.</summary>
    public static readonly string[] Intervals = ["1m", "5m", "1d"];

    /// <summary>Most rows one read returns.</summary>
    public const int MaxLimit = 10_000;

    /// <summary>Maps the feature endpoints.</summary>
    public static IEndpointRouteBuilder MapFeaturesApi(this IEndpointRouteBuilder app)
    {
        var features = app.MapGroup("/features").WithTags("Features");
        features.MapGet("/", ListFeatureSetsAsync).WithName("ListFeatureSets")
            .WithSummary("Every feature set version: its columns, parameters (and their hash) and the code builds that computed it");
        features.MapGet("/{symbol}", GetFeaturesAsync).WithName("GetFeatures")
            .WithSummary("A symbol's feature values for one set, version and interval (JSON or CSV); latest=true for the last rows of the range")
            .Produces(StatusCodes.Status200OK, contentType: "application/json", additionalContentTypes: RequestParsing.CsvType)
            .ProducesProblem(StatusCodes.Status404NotFound);
        features.MapPost("/rebuild", RebuildAsync).WithName("RebuildFeatures")
            .WithSummary("Recompute a feature set for symbols over a date range, as a job (API key)")
            .Accepts<RebuildRequest>("application/json");
        return app;
    }

    /// <summary>One build of the code that computed a version (its assembly version with the git commit).</summary>
    public sealed record FeatureBuild(int Id, string CodeRef, DateTime CreatedAt);

    /// <summary>A feature set version.</summary>
    public sealed record FeatureSetResponse(string FeatureSet, int Version, IReadOnlyList<string> Columns, JsonElement Params, string ParamsHash, IReadOnlyList<string> Intervals, IReadOnlyList<FeatureBuild> Builds);

    /// <summary>The body of <c>GET /features</c>.</summary>
    public sealed record FeatureSetList(IReadOnlyList<FeatureSetResponse> FeatureSets);

    /// <summary>
    /// The body of <c>POST /features/rebuild</c>: the symbols, the set and version (default the
    /// newest), and the first New York trading date to recompute (default: everything stored).
    /// A rebuild always runs to the last stored bar: every later value depends on the earlier ones.
    /// </summary>
    public sealed record RebuildRequest(
        [property: JsonPropertyName("symbols")] IReadOnlyList<string?>? Symbols,
        [property: JsonPropertyName("feature_set")] string? FeatureSet,
        [property: JsonPropertyName("version")] int? Version,
        [property: JsonPropertyName("start")] string? Start);

    internal static async Task<Ok<FeatureSetList>> ListFeatureSetsAsync(FeatureStore features, CancellationToken cancellationToken) =>
        TypedResults.Ok(new FeatureSetList(Group(await features.ListMetadataAsync(cancellationToken))));

    internal static async Task<IResult> GetFeaturesAsync(
        string symbol, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "feature_set")] string? featureSet, string? version, string? interval,
        string? start, string? end, string? limit, string? latest, string? format, HttpContext context, FeatureStore features, CancellationToken cancellationToken)
    {
        var problems = new ApiProblems();
        var ticker = RequestParsing.Symbol(symbol, problems);
        var known = await features.ListMetadataAsync(cancellationToken);
        var set = RequestParsing.OneOf(featureSet, "feature_set", "core", problems, [.. known.Select(m => m.FeatureSet).Distinct().DefaultIfEmpty("core")]);
        var number = RequestParsing.Int(version, "version", 0, 1, 10_000, problems);
        string? bars = null;
        if (!BarInterval.TryParse(string.IsNullOrWhiteSpace(interval) ? "1m" : interval, out var parsed))
            problems.Add("interval", $"'{RequestParsing.Shorten(interval!)}' is not an interval; {BarInterval.Rule}.");
        else if (!Intervals.Contains(parsed.ToString()))
            problems.Add("interval", $"features are computed for {string.Join(", ", Intervals)}; not for {parsed}.");
        else bars = parsed.ToString();
        var from = RequestParsing.Instant(start, "start", isEnd: false, problems);
        var to = RequestParsing.Instant(end, "end", isEnd: true, problems);
        var count = RequestParsing.Int(limit, "limit", 1000, 1, MaxLimit, problems);
        var newest = RequestParsing.OneOf(latest, "latest", "false", problems, "true", "false") == "true";
        var csv = RequestParsing.WantsCsv(format, context.Request, problems);
        if (from is { } f && to is { } t && f >= t) problems.Add("start", "must be before end.");
        if (csv is null && !problems.Any) problems.Add("format", $"the request accepts neither application/json nor {RequestParsing.CsvType}; send format=json or csv.");
        if (problems.Any) return problems.ToResult();

        var versions = known.Where(m => m.FeatureSet == set).ToList();
        var chosen = number is > 0 ? versions.FirstOrDefault(m => m.Version == number) : versions.FirstOrDefault();
        if (chosen is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Feature set version not found",
                detail: versions.Count == 0
                    ? $"No version of feature set {set} has been built yet; the feature agent registers it when it starts."
                    : $"Feature set {set} has versions {string.Join(", ", versions.Select(m => m.Version).Distinct())}, not {number}.");
        }

        var key = new FeatureSeriesKey(ticker!.Value.Value, chosen.FeatureSet, chosen.Version, bars!);
        // One row more than asked says whether the range continues, and where (latest: the last rows, no continuation).
        var rows = await features.ReadAsync(key, from, to, count!.Value + (newest ? 0 : 1), newest, cancellationToken);
        var next = !newest && rows.Count > count ? rows[^1].Timestamp.UtcDateTime : (DateTime?)null;
        var page = rows.Take(count.Value).ToList();
        if (csv == true) return TypedResults.Text(ToCsv(chosen.Columns, page), $"{RequestParsing.CsvType}; charset=utf-8");
        return TypedResults.Stream(body => WriteJsonAsync(body, key, chosen.Columns, page, next), "application/json");
    }

    internal static async Task<Results<Accepted<JobsApi.JobResponse>, Ok<JobsApi.JobResponse>, ValidationProblem>> RebuildAsync(
        HttpRequest request, FeatureStore features, JobStore jobs, IPublishEndpoint bus, TimeProvider time, ILogger<RebuildRequest> logger, CancellationToken cancellationToken)
    {
        var problems = new ApiProblems();
        var body = await RequestParsing.JsonBody<RebuildRequest>(request, """{"symbols": ["SPY"], "feature_set": "core"}""", problems, cancellationToken);
        if (problems.Any) return problems.ToResult();

        var symbols = RequestParsing.Symbols(body?.Symbols, "symbols", IngestApi.MaxSymbolsPerJob, "[\"SPY\", \"QQQ\"]", "per job", indexed: true, problems);
        var known = await features.ListMetadataAsync(cancellationToken);
        var set = RequestParsing.OneOf(body?.FeatureSet, "feature_set", "core", problems, [.. known.Select(m => m.FeatureSet).Distinct().DefaultIfEmpty("core")]);
        var version = body?.Version ?? known.Where(m => m.FeatureSet == set).Select(m => m.Version).DefaultIfEmpty(1).Max();
        if (set is not null && known.Count > 0 && !known.Any(m => m.FeatureSet == set && m.Version == version))
            problems.Add("version", $"feature set {set} has versions {string.Join(", ", known.Where(m => m.FeatureSet == set).Select(m => m.Version).Distinct())}.");
        var today = NewYorkTime.DateOf(time.GetUtcNow());
        var from = RequestParsing.Date(body?.Start, "start", new DateOnly(NyseCalendar.FirstYear, 1, 1), problems);
        if (from > today) problems.Add("start", $"start {from:yyyy-MM-dd} is in the future (today in New York is {today:yyyy-MM-dd}).");
        if (from?.Year < NyseCalendar.FirstYear) problems.Add("start", $"start must be {NyseCalendar.FirstYear}-01-01 or later.");
        if (problems.Any) return problems.ToResult();
        var to = today;

        // One task per symbol: a rebuild reads a symbol's whole range in one pass.
        var target = JobKinds.FeatureTarget(set!, version);
        var sessions = NyseCalendar.GetTradingDays(from!.Value, to).Count();
        var (job, tasks, created) = await jobs.CreateOrGetActiveAsync(JobKinds.FeatureRebuild, symbols.Select(s => s.Value).ToArray(), from.Value, to, target,
            [new JobWindow(from.Value, to, sessions)], cancellationToken);
        if (created) await IngestApi.PublishAsync(job, tasks, jobs, bus, logger, cancellationToken);
        var response = JobsApi.ToResponse(job);
        return created ? TypedResults.Accepted($"/jobs/{job.Id}", response) : TypedResults.Ok(response);
    }

    private static List<FeatureSetResponse> Group(IReadOnlyList<FeatureMetadata> metadata) =>
        [.. metadata.GroupBy(m => (m.FeatureSet, m.Version)).Select(builds =>
        {
            var newest = builds.First();
            using var parameters = JsonDocument.Parse(newest.Parameters);
            return new FeatureSetResponse(newest.FeatureSet, newest.Version, newest.Columns, parameters.RootElement.Clone(), newest.ParametersHash, Intervals,
                [.. builds.Select(b => new FeatureBuild(b.Id, b.CodeRef, b.CreatedAt.UtcDateTime))]);
        })];

    // Written by hand: NaN (a feature's warm-up) becomes null, and a row is an object keyed by the set's columns.
    private static async Task WriteJsonAsync(Stream body, FeatureSeriesKey key, IReadOnlyList<string> columns, IReadOnlyList<FeatureRow> rows, DateTime? next)
    {
        await using var json = new Utf8JsonWriter(body);
        json.WriteStartObject();
        json.WriteString("symbol", key.Symbol);
        json.WriteString("feature_set", key.FeatureSet);
        json.WriteNumber("version", key.Version);
        json.WriteString("interval", key.Interval);
        json.WriteStartArray("columns");
        foreach (var column in columns) json.WriteStringValue(column);
        json.WriteEndArray();
        json.WriteStartArray("rows");
        foreach (var row in rows)
        {
            json.WriteStartObject();
            json.WriteString("timestamp", row.Timestamp.UtcDateTime);
            for (var i = 0; i < columns.Count; i++)
            {
                var value = i < row.Values.Length ? row.Values[i] : double.NaN;
                if (double.IsFinite(value)) json.WriteNumber(columns[i], value);
                else json.WriteNull(columns[i]);
            }
            json.WriteEndObject();
            if (json.BytesPending > 32 * 1024) await json.FlushAsync();
        }
        json.WriteEndArray();
        if (next is { } start) json.WriteString("next_start", start);
        else json.WriteNull("next_start");
        json.WriteEndObject();
        await json.FlushAsync();
    }

    private static string ToCsv(IReadOnlyList<string> columns, IReadOnlyList<FeatureRow> rows)
    {
        var csv = new StringBuilder();
        csv.Append("timestamp,").AppendJoin(',', columns).Append('\n');
        foreach (var row in rows)
        {
            csv.Append(row.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            foreach (var value in row.Values)
                csv.Append(',').Append(double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "");
            csv.Append('\n');
        }
        return csv.ToString();
    }
}
