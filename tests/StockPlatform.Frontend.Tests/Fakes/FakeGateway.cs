using System.Net;
using System.Text;

namespace StockPlatform.Frontend.Tests.Fakes;

/// <summary>
/// The gateway as the dashboard's <c>HttpClient</c> sees it: canned answers in the real gateway's
/// JSON (snake_case, problem details) by method and path, and every request kept with its body
/// so a test can check what the page sent. A request nobody expected is a 404 problem.
/// </summary>
internal sealed class FakeGateway : HttpMessageHandler
{
    private readonly List<Route> _routes = [];
    private readonly Dictionary<(HttpMethod, string), Task> _holds = [];

    /// <summary>What the pages sent, in order.</summary>
    public List<SentRequest> Requests { get; } = [];

    /// <summary>
    /// Answers <paramref name="method"/> on <paramref name="path"/> (the query is ignored unless the
    /// path names one) with a body. Registering the same route again changes the answer from then on.
    /// </summary>
    public FakeGateway On(HttpMethod method, string path, string body, HttpStatusCode status = HttpStatusCode.OK, string contentType = "application/json")
    {
        lock (_routes) _routes.Add(new Route(method, path, status, body, contentType));
        return this;
    }

    /// <summary>Answers with a validation problem, as the gateway's <c>ApiProblems</c> writes it.</summary>
    public FakeGateway Problem(HttpMethod method, string path, string field, string reason) =>
        On(method, path, System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["type"] = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            ["title"] = "One or more validation errors occurred.",
            ["status"] = 400,
            ["errors"] = new Dictionary<string, string[]> { [field] = [reason] },
        }), HttpStatusCode.BadRequest, "application/problem+json");

    /// <summary>Answers <paramref name="method"/> on <paramref name="path"/> only once <paramref name="until"/> completes, so a test sees the page waiting.</summary>
    public FakeGateway Hold(HttpMethod method, string path, Task until)
    {
        _holds[(method, path)] = until;
        return this;
    }

    /// <summary>The requests sent so far with <paramref name="method"/> to a path and query starting with <paramref name="path"/> (a snapshot: timers may add more).</summary>
    public IReadOnlyList<SentRequest> To(HttpMethod method, string path)
    {
        lock (Requests) return [.. Requests.Where(r => r.Method == method && r.PathAndQuery.StartsWith(path, StringComparison.Ordinal))];
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var pathAndQuery = request.RequestUri!.PathAndQuery;
        lock (Requests) Requests.Add(new SentRequest(request.Method, pathAndQuery, body, request.Headers.TryGetValues("X-Api-Key", out var keys) ? keys.Single() : null));

        if (_holds.TryGetValue((request.Method, pathAndQuery.Split('?')[0]), out var until)) await until.WaitAsync(cancellationToken);

        // The most specific route wins (one naming a query beats the bare path), then the latest.
        Route? route;
        lock (_routes)
        {
            route = _routes.Select((r, index) => (r, index)).Where(x => x.r.Method == request.Method && Matches(x.r.Path, pathAndQuery))
                .OrderByDescending(x => x.r.Path.Length).ThenByDescending(x => x.index).Select(x => x.r).FirstOrDefault();
        }
        if (route is null)
        {
            return new HttpResponseMessage(HttpStatusCode.NotFound)
            {
                Content = new StringContent($$"""{"title":"Not Found","status":404,"detail":"no fake answer for {{request.Method}} {{pathAndQuery}}"}""", Encoding.UTF8, "application/problem+json"),
            };
        }
        return new HttpResponseMessage(route.Status) { Content = new StringContent(route.Body, Encoding.UTF8, route.ContentType) };
    }

    private static bool Matches(string path, string pathAndQuery) =>
        path.Contains('?', StringComparison.Ordinal)
            ? pathAndQuery.StartsWith(path, StringComparison.Ordinal)
            : pathAndQuery.Split('?')[0] == path;

    private sealed record Route(HttpMethod Method, string Path, HttpStatusCode Status, string Body, string ContentType);
}

/// <summary>A request a page sent: its path with the query, its body and the API key it carried.</summary>
internal sealed record SentRequest(HttpMethod Method, string PathAndQuery, string? Body, string? ApiKey);
