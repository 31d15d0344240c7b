using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using StockPlatform.Gateway.Security;
using StockPlatform.Storage.Logs;

namespace StockPlatform.Gateway.Apis;

/// <summary>
/// <c>GET /logs</c>: the central log store, newest first: every service's shipped log records,
/// filtered by agent, minimum level, symbol, time and a text in the message, a page at a time
/// (<c>next_page_token</c>). New records also arrive live on <c>GET /events</c> as <c>log</c> events.
/// </summary>
public static class LogsApi
{
    /// <summary>Records in a page unless <c>limit</c> says otherwise.</summary>
    public const int DefaultLimit = 100;

    /// <summary>Most records in a page.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Longest text <c>q</c> searches for.</summary>
    public const int MaxTextLength = 200;

    /// <summary>Longest agent name.</summary>
    public const int MaxAgentLength = 64;

    // The names GET /logs and the rows use, lowest first (Microsoft.Extensions.Logging's levels without None).
    private static readonly LogLevel[] Levels = [LogLevel.Trace, LogLevel.Debug, LogLevel.Information, LogLevel.Warning, LogLevel.Error, LogLevel.Critical];

    /// <summary>Maps the logs endpoint.</summary>
    public static IEndpointRouteBuilder MapLogsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/logs", GetLogsAsync)
            .WithName("GetLogs")
            .WithTags("Logs")
            .WithSummary("Every service's log records, newest first; filter by agent, minimum level, symbol, time range and message text; paged")
            .Produces<LogsResponse>()
            .ProducesValidationProblem();
        return app;
    }

    /// <summary>
    /// One log record: <c>level</c> is its name (Trace .. Critical), <c>agent</c> the service (or the
    /// agent its scope names), <c>instance</c> the process, <c>props</c> its other fields (secrets masked).
    /// </summary>
    public sealed record LogResponse(
        long Id, DateTime Timestamp, string Level, string Agent, string? Instance, string Category, string? Symbol, string? Stage,
        string Message, string? TraceId, string? SpanId, string? Exception, JsonElement? Props);

    /// <summary>The body of <c>GET /logs</c>.</summary>
    public sealed record LogsResponse(IReadOnlyList<LogResponse> Logs, string? NextPageToken);

    /// <summary>A stored record as the API shows it (here and in <c>log</c> events).</summary>
    public static LogResponse ToResponse(StoredLog log) => new(
        log.Id, log.Timestamp.UtcDateTime, log.Level.ToString(), log.Agent, log.Instance, log.Category, log.Symbol, log.Stage,
        log.Message, log.TraceId, log.SpanId, log.Exception, ParseProps(log.Props));

    private static JsonElement? ParseProps(string? props)
    {
        if (props is null) return null;
        using var document = JsonDocument.Parse(props);
        return document.RootElement.Clone();
    }

    internal static async Task<Results<Ok<LogsResponse>, ValidationProblem>> GetLogsAsync(
        string? agent, string? level, string? symbol, string? since, string? until, string? q, string? limit,
        [FromQuery(Name = "page_token")] string? pageToken, LogStore logs, PageTokens tokens, CancellationToken cancellationToken)
    {
        var problems = new ApiProblems();
        var query = Validate(agent, level, symbol, since, until, q, limit, pageToken, tokens, problems, out var scope);
        if (query is null) return problems.ToResult();

        var page = await logs.QueryAsync(query, cancellationToken);
        var next = page.HasMore ? tokens.IssueKeyset(scope, page.Logs[^1].Timestamp, page.Logs[^1].Id) : null;
        return TypedResults.Ok(new LogsResponse([.. page.Logs.Select(ToResponse)], next));
    }

    private static LogQuery? Validate(
        string? agent, string? level, string? symbol, string? since, string? until, string? q, string? limit, string? pageToken,
        PageTokens tokens, ApiProblems problems, out string scope)
    {
        scope = string.Empty;
        agent = string.IsNullOrWhiteSpace(agent) ? null : agent.Trim();
        if (agent is not null && (agent.Length > MaxAgentLength || !agent.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')))
            problems.Add("agent", $"an agent name is 1 to {MaxAgentLength} letters, digits, '.', '_' or '-', like ingestion.");
        var minimum = LogLevel.Trace;
        if (!string.IsNullOrWhiteSpace(level))
        {
            var name = level.Trim();
            var found = Array.FindIndex(Levels, l => l.ToString().Equals(name, StringComparison.OrdinalIgnoreCase));
            if (found >= 0) minimum = Levels[found];
            else problems.Add("level", $"'{RequestParsing.Shorten(level)}' is not a level; use one of {string.Join(", ", Levels)} (the minimum level shown).");
        }
        var ticker = string.IsNullOrWhiteSpace(symbol) ? null : RequestParsing.Symbol(symbol, problems);
        var from = RequestParsing.Instant(since, "since", isEnd: false, problems);
        var to = RequestParsing.Instant(until, "until", isEnd: true, problems);
        if (from is { } f && to is { } t && t <= f) problems.Add("since", "since must be before until.");
        // A blank q is no filter; otherwise it is searched as given (spaces included).
        var text = string.IsNullOrWhiteSpace(q) ? null : q;
        if (text is not null && (text.Length > MaxTextLength || text.Any(char.IsControl)))
            problems.Add("q", $"the text to search for is at most {MaxTextLength} characters, without control characters.");
        var count = RequestParsing.Int(limit, "limit", DefaultLimit, 1, MaxLimit, problems);
        if (problems.Any) return null;

        // A token resumes the query that issued it, and only that one (any page size).
        scope = JsonSerializer.Serialize(new object?[] { "logs", agent, (int)minimum, ticker?.Value, from?.UtcTicks, to?.UtcTicks, text });
        (DateTimeOffset, long)? before = null;
        if (!string.IsNullOrWhiteSpace(pageToken))
        {
            if (!tokens.TryReadKeyset(pageToken.Trim(), scope, out var at, out var id))
            {
                problems.Add("page_token", "the page token was not issued for this query (another agent, level, symbol, since, until or q, or not by this API); repeat the query without it.");
                return null;
            }
            before = (at, id);
        }
        return new LogQuery
        {
            Agent = agent,
            MinLevel = minimum,
            Symbol = ticker?.Value,
            Since = from,
            Until = to,
            Text = text,
            Limit = count!.Value,
            Before = before,
        };
    }
}
