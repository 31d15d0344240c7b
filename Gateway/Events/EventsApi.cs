using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using StockPlatform.Gateway.Apis;

namespace StockPlatform.Gateway.Events;

/// <summary>
/// <c>GET /events</c>: server-sent events: job progress, completion and failure, live bars, and
/// <c>log</c>: every service's new log records as <c>GET /logs</c> shows them (the live tail). <c>symbol</c> and <c>kind</c> (a
/// prefix: <c>job</c>, <c>job.completed</c>) filter them. A reconnecting client sends
/// <c>Last-Event-ID</c> and is sent what it missed from a bounded buffer; when the buffer no
/// longer holds all of it, a <c>gap</c> event says so first. A <c>heartbeat</c> every 15 s keeps
/// proxies from closing a quiet stream.
/// </summary>
public static class EventsApi
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    /// <summary>Maps the events endpoint.</summary>
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/events", Subscribe)
            .WithName("Events")
            .WithTags("Events")
            .WithSummary("Server-sent events: job progress, completion and failure, live bars, new log records (kind=log); filter by symbol and kind; resume with Last-Event-ID")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesValidationProblem();
        return app;
    }

    internal static Results<ServerSentEventsResult<object>, ValidationProblem> Subscribe(
        string? symbol,
        string? kind,
        [FromHeader(Name = "Last-Event-ID")] string? lastEventId,
        EventFeed feed,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var problems = new ApiProblems();
        var ticker = string.IsNullOrWhiteSpace(symbol) ? null : RequestParsing.Symbol(symbol, problems);
        if (string.IsNullOrWhiteSpace(kind)) kind = null; // a blank filter is no filter
        if (kind is { Length: > 64 } || (kind is not null && !kind.All(c => char.IsAsciiLetterLower(c) || c == '.')))
            problems.Add("kind", "a kind is lower-case letters and dots, like job or job.completed.");
        long after = feed.LastId;
        if (!string.IsNullOrWhiteSpace(lastEventId) && !long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out after))
            problems.Add("Last-Event-ID", "must be the id of an event this stream sent.");
        if (problems.Any) return problems.ToResult();

        return TypedResults.ServerSentEvents(StreamAsync(feed, after, ticker?.Value, kind, time, cancellationToken));
    }

    private static async IAsyncEnumerable<SseItem<object>> StreamAsync(
        EventFeed feed, long after, string? symbol, string? kind, TimeProvider time, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cursor = after;
        var first = true;
        // At once, so the response starts (headers and all) before the first event: a quiet feed
        // would otherwise leave a client waiting for a heartbeat to learn it is connected.
        yield return new SseItem<object>(new { at = time.GetUtcNow() }, "heartbeat");
        while (!cancellationToken.IsCancellationRequested)
        {
            var (events, gap, next) = feed.After(cursor);
            if (first && gap)
                yield return new SseItem<object>(new { message = "some events since Last-Event-ID are no longer held; reload the state you follow" }, "gap");
            first = false;
            foreach (var item in events)
            {
                cursor = item.Id;
                if (symbol is not null && !item.Symbols.Contains(symbol)) continue;
                if (kind is not null && !(item.Kind == kind || item.Kind.StartsWith(kind + ".", StringComparison.Ordinal))) continue;
                yield return new SseItem<object>(item.Data, item.Kind) { EventId = item.Id.ToString(CultureInfo.InvariantCulture) };
            }

            using var beat = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var woke = await Task.WhenAny(next, Task.Delay(Heartbeat, time, beat.Token));
            await beat.CancelAsync();
            if (woke != next && !cancellationToken.IsCancellationRequested)
                yield return new SseItem<object>(new { at = time.GetUtcNow() }, "heartbeat");
        }
    }
}
