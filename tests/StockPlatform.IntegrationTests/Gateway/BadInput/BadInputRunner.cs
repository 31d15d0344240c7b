using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;

namespace StockPlatform.IntegrationTests.Gateway.BadInput;

/// <summary>
/// Sends bad requests one at a time, each within a timeout, and checks every answer: a 4xx
/// problem (application/problem+json with type, title, status and trace_id; naming the field when
/// the case says which), never a 5xx, never a stack trace, the API key or a password. Counts the
/// answers by status for the summary.
/// </summary>
internal sealed partial class BadInputRunner(HttpClient client, string apiKey, IEnumerable<string> secrets)
{
    /// <summary>The header that tells the gateway's endpoint recorder which case a request is.</summary>
    public const string CaseHeader = "X-Bad-Input-Case";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    // The API key and every password the gateway knows; none may appear in an answer.
    private readonly string[] _secrets = [apiKey, .. secrets.Where(s => s.Length >= 4)];

    public SortedDictionary<int, int> StatusCounts { get; } = [];

    public List<string> Failures { get; } = [];

    public int Sent { get; private set; }

    /// <summary>
    /// Accept a 4xx with no body and no content type, as Kestrel answers a request it refuses before
    /// the app sees it (headers too large, a malformed request): only against a real server.
    /// </summary>
    public bool AllowBareRefusals { get; init; }

    /// <summary>Requests the client itself would not send (a header it cannot encode), with why.</summary>
    public List<string> Unsent { get; } = [];

    /// <summary>The Retry-After of every 429 (zero when it had none).</summary>
    public List<TimeSpan> RetryAfters { get; } = [];

    public TimeSpan Elapsed { get; private set; }

    /// <summary>The passwords of connection strings (PostgreSQL's and the broker's), for the leak checks.</summary>
    public static IEnumerable<string> PasswordsOf(params string[] connectionStrings)
    {
        foreach (var text in connectionStrings)
        {
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.UserInfo.Split(':') is [_, var password, ..]) yield return Uri.UnescapeDataString(password);
            else if (new NpgsqlConnectionStringBuilder(text).Password is { Length: > 0 } pg) yield return pg;
        }
    }

    /// <summary>Sends every case (numbered from <paramref name="firstNumber"/>, the number going in <see cref="CaseHeader"/>).</summary>
    public async Task RunAsync(IReadOnlyList<BadRequest> cases, int firstNumber = 0)
    {
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < cases.Count; i++) await SendAsync(cases[i], firstNumber + i);
        Elapsed += stopwatch.Elapsed;
    }

    /// <summary>One line for the test output: how many requests, how long, and the answers by status.</summary>
    public string Summary(string what) =>
        $"{what}: {Sent} requests in {Elapsed.TotalSeconds:0.0} s; by status: {string.Join(", ", StatusCounts.Select(pair => $"{pair.Key}={pair.Value}"))}; "
        + $"{Failures.Count} failed{(Unsent.Count > 0 ? $"; {Unsent.Count} closed by the server before an answer" : "")}";

    private async Task SendAsync(BadRequest @case, int number)
    {
        using var request = @case.ToMessage(apiKey);
        request.Headers.TryAddWithoutValidation(CaseHeader, number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var timeout = new CancellationTokenSource(Timeout);
        Sent++;
        HttpResponseMessage response;
        string body;
        try
        {
            response = await client.SendAsync(request, timeout.Token);
            body = await response.Content.ReadAsStringAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Failures.Add($"{@case}: no answer within {Timeout.TotalSeconds:0} s");
            return;
        }
        catch (HttpRequestException ex) when (AllowBareRefusals)
        {
            // Kestrel may close the connection on a request it refuses (a body over the limit) before the client reads the answer.
            Unsent.Add($"{@case}: {ex.Message}");
            return;
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            StatusCounts[status] = StatusCounts.GetValueOrDefault(status) + 1;
            if (status == 429) RetryAfters.Add(response.Headers.RetryAfter?.Delta ?? TimeSpan.Zero);
            if (Check(@case, status, response, body) is { } failure) Failures.Add($"{@case}: {failure}");
        }
    }

    private string? Check(BadRequest @case, int status, HttpResponseMessage response, string body)
    {
        var shown = body[..Math.Min(body.Length, 700)];
        if (status >= 500) return $"{status} {shown}";
        if (_secrets.FirstOrDefault(secret => body.Contains(secret, StringComparison.Ordinal)
                || response.Headers.Concat(response.Content.Headers).Any(h => h.Value.Any(v => v.Contains(secret, StringComparison.Ordinal)))) is not null)
            return $"{status}: the answer holds the API key or a password";
        if (StackFrame().IsMatch(body)) return $"{status}: the answer holds a stack trace: {shown}";
        if (@case.Tolerated) return null;
        if (status < 400) return $"{status} {shown}";
        if (AllowBareRefusals && body.Length == 0 && response.Content.Headers.ContentType is null) return null;
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json") return $"{status} without problem details: {shown}";
        JsonElement problem;
        try
        {
            problem = JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException)
        {
            return $"{status}: the problem is not JSON: {shown}";
        }
        // The API writes JSON in snake_case, the trace id included (trace_id).
        foreach (var members in new[] { ["type"], ["title"], new[] { "trace_id", "traceId" } })
        {
            if (!members.Any(member => problem.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 }))
                return $"{status}: the problem has no {members[0]}: {shown}";
        }
        if (!problem.TryGetProperty("status", out var statusValue) || statusValue.ValueKind != JsonValueKind.Number || statusValue.GetInt32() != status)
            return $"{status}: the problem's status is not {status}: {shown}";
        if (@case.Field is { } field && (status != 400 || !problem.TryGetProperty("errors", out var errors) || !errors.TryGetProperty(field, out _)))
            return $"{status} does not name {field}: {shown}";
        return null;
    }

    // A .NET stack frame ("   at Namespace.Type.Method(") in whatever an answer holds.
    [GeneratedRegex(@"\bat [A-Za-z_][\w.`<>]*\.[\w<>`]+\(")]
    private static partial Regex StackFrame();
}
