using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StockPlatform.Archive;
using StockPlatform.Archive.Catalog;
using StockPlatform.Archive.Query;
using StockPlatform.Archive.Verification;
using StockPlatform.Gateway.Extensions;

namespace StockPlatform.Gateway.Apis;

/// <summary>
/// The Parquet archive: <c>GET /archive/partitions</c> (what is archived), <c>GET /archive/verify</c>
/// (a symbol's archive checked against the hot store: bars row by row, trades and quotes by an exact
/// fingerprint of each day) and <c>POST /archive/sql</c> (one read-only DuckDB query over the
/// <c>bars</c>, <c>features</c>, <c>trades</c> and <c>quotes</c> views, sandboxed to the archive,
/// within row, byte and time limits; JSON or CSV).
/// </summary>
public static class ArchiveApi
{
    /// <summary>Maps the archive endpoints.</summary>
    public static IEndpointRouteBuilder MapArchiveApi(this IEndpointRouteBuilder app)
    {
        var archive = app.MapGroup("/archive").WithTags("Archive");
        archive.MapGet("/partitions", ListPartitionsAsync).WithName("ListArchivePartitions")
            .WithSummary("Archived partitions (a symbol's session each, in a day or month file), with rows, time range, checksums and the file's size");
        archive.MapGet("/verify", VerifyAsync).WithName("VerifyArchive")
            .WithSummary("A symbol's archived partitions (bars, trades, quotes; dataset= keeps one) compared with the hot store");
        archive.MapPost("/sql", RunSqlAsync).WithName("QueryArchive")
            .WithSummary("One read-only DuckDB query over the archive's bars, features, trades and quotes views (API key)")
            .Accepts<SqlRequest>("application/json")
            .Produces<SqlResponse>(StatusCodes.Status200OK, "application/json", RequestParsing.CsvType);
        return app;
    }

    /// <summary>
    /// One archived partition: a symbol's session. <c>rows</c>, <c>first</c>, <c>last</c> and
    /// <c>rows_sha256</c> are the session's; <c>path</c>, <c>bytes</c> and <c>sha256</c> the file's it
    /// lives in, which for <c>granularity</c> <c>month</c> (bars in month files) holds the month's other sessions too.
    /// </summary>
    public sealed record PartitionResponse(string Dataset, string Symbol, DateOnly Session, string Path, int Rows, DateTime? First, DateTime? Last, long Bytes, string Sha256, DateTime WrittenAt,
        string Granularity, string? RowsSha256);

    /// <summary>The body of <c>GET /archive/partitions</c>, with totals; <c>bytes</c> counts each file once (<c>files</c> of them).</summary>
    public sealed record PartitionList(int Count, long Rows, long Bytes, IReadOnlyList<PartitionResponse> Partitions, int Files);

    /// <summary>The body of <c>POST /archive/sql</c>: the query, the answer's format (<c>json</c> or <c>csv</c>, else the Accept header) and a lower row limit.</summary>
    public sealed record SqlRequest(
        [property: JsonPropertyName("sql")] string? Sql,
        [property: JsonPropertyName("format")] string? Format,
        [property: JsonPropertyName("max_rows")] int? MaxRows);

    /// <summary>The JSON answer of <c>POST /archive/sql</c>; <c>truncated</c> names the limit that cut the rows, null when all are here.</summary>
    public sealed record SqlResponse(IReadOnlyList<SqlColumn> Columns, IReadOnlyList<object?[]> Rows, int RowCount, string? Truncated, double ElapsedMs);

    internal static async Task<Results<Ok<PartitionList>, ValidationProblem>> ListPartitionsAsync(
        string? symbol, string? dataset, ArchivePartitionStore partitions, CancellationToken cancellationToken)
    {
        var problems = new ApiProblems();
        var ticker = symbol is null ? null : RequestParsing.Symbol(symbol, problems);
        var name = RequestParsing.OneOf(dataset, "dataset", SessionArchiver.BarsDataset, problems,
            SessionArchiver.BarsDataset, SessionArchiver.FeaturesDataset, SessionArchiver.TradesDataset, SessionArchiver.QuotesDataset);
        if (problems.Any) return problems.ToResult();

        var list = await partitions.ListAsync(name!, ticker?.Value, cancellationToken: cancellationToken);
        // Sessions of one month file share it: its bytes count once.
        var files = list.DistinctBy(p => p.Path).ToList();
        return TypedResults.Ok(new PartitionList(list.Count, list.Sum(p => (long)p.Rows), files.Sum(p => p.Bytes),
            [.. list.Select(p => new PartitionResponse(p.Dataset, p.Symbol, p.Session, p.Path, p.Rows, p.First?.UtcDateTime, p.Last?.UtcDateTime, p.Bytes, p.Sha256, p.WrittenAt.UtcDateTime,
                BarPartitioningNames.Of(p.InMonthFile ? BarPartitioning.Month : BarPartitioning.Day), p.RowsSha256))], files.Count));
    }

    internal static async Task<Results<Ok<ArchiveVerification>, ValidationProblem>> VerifyAsync(
        string? symbol, string? dataset, ArchiveVerifier verifier, CancellationToken cancellationToken)
    {
        var problems = new ApiProblems();
        if (string.IsNullOrWhiteSpace(symbol)) problems.Add("symbol", "is required: the symbol whose archive to check, e.g. symbol=SPY.");
        var ticker = problems.Any ? null : RequestParsing.Symbol(symbol, problems);
        // Without dataset= every verified dataset is checked.
        var only = RequestParsing.OneOf(dataset, "dataset", null, problems, [.. ArchiveVerifier.Datasets]);
        if (problems.Any) return problems.ToResult();
        return TypedResults.Ok(await verifier.VerifyAsync(ticker!.Value, only is null ? null : [only], cancellationToken));
    }

    internal static async Task<IResult> RunSqlAsync(HttpRequest request, ArchiveSql archive, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        var problems = new ApiProblems();
        var body = await RequestParsing.JsonBody<SqlRequest>(request, """{"sql": "SELECT ..."}""", problems, cancellationToken);
        if (problems.Any) return problems.ToResult();

        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(body?.Sql)) problems.Add("sql", "is required: one read-only query, e.g. SELECT symbol, count(*) FROM bars GROUP BY symbol.");
        else if (body.Sql.Length > 100_000) problems.Add("sql", "is longer than 100,000 characters.");
        if (body?.MaxRows is < 1 || body?.MaxRows > settings.SqlMaxRows) problems.Add("max_rows", $"must be between 1 and {settings.SqlMaxRows}.");
        var csv = RequestParsing.WantsCsv(body?.Format, request, problems);
        if (csv is null && !problems.Any) problems.Add("format", $"the request accepts neither application/json nor {RequestParsing.CsvType}; send format=json or csv.");
        if (problems.Any) return problems.ToResult();

        SqlResult result;
        try
        {
            result = await archive.RunAsync(body!.Sql!, new SqlLimits(body.MaxRows ?? settings.SqlMaxRows, settings.SqlMaxBytes, TimeSpan.FromSeconds(settings.SqlTimeoutSeconds)), cancellationToken);
        }
        catch (ArchiveSqlException refused)
        {
            problems.Add("sql", refused.Message);
            return problems.ToResult();
        }
        return csv == true
            ? TypedResults.Text(ToCsv(result), $"{RequestParsing.CsvType}; charset=utf-8")
            : TypedResults.Ok(new SqlResponse(result.Columns, [.. result.Rows.Select(row => row.Select(ToJsonValue).ToArray())], result.Rows.Count, result.Truncated, Math.Round(result.Elapsed.TotalMilliseconds, 1)));
    }

    // DuckDB hands back CLR values System.Text.Json cannot all write (HUGEINT as BigInteger, NaN):
    // each becomes the JSON a client expects (a number, an ISO timestamp in UTC, null).
    private static object? ToJsonValue(object? value) => value switch
    {
        null => null,
        BigInteger big => JsonDocument.Parse(big.ToString(CultureInfo.InvariantCulture)).RootElement.Clone(),
        double d when !double.IsFinite(d) => null,
        float f when !float.IsFinite(f) => null,
        DateTime time => DateTime.SpecifyKind(time, DateTimeKind.Utc),
        string or bool or byte or sbyte or short or ushort or int or uint or long or ulong or decimal or double or float or DateOnly or TimeOnly or Guid => value,
        _ => Text(value),
    };

    private static string ToCsv(SqlResult result)
    {
        var csv = new StringBuilder();
        csv.AppendJoin(',', result.Columns.Select(column => CsvAnswers.Field(column.Name))).Append('\n');
        foreach (var row in result.Rows)
            csv.AppendJoin(',', row.Select(value => CsvAnswers.Field(value is null ? "" : Text(value)))).Append('\n');
        return csv.ToString();
    }

    private static string Text(object value) => value switch
    {
        DateTime time => DateTime.SpecifyKind(time, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture),
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
