using Microsoft.AspNetCore.Http.HttpResults;

namespace StockPlatform.Gateway.Apis;

/// <summary>
/// Collects bad parameters of one request and answers them all at once as an RFC 7807
/// validation problem: <c>{"title": ..., "status": 400, "errors": {"interval": ["..."]}}</c>.
/// </summary>
internal sealed class ApiProblems
{
    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string parameter, string message) =>
        _errors[parameter] = _errors.TryGetValue(parameter, out var existing) ? [.. existing, message] : [message];

    public ValidationProblem ToResult() => TypedResults.ValidationProblem(
        _errors,
        title: "One or more request parameters are invalid.",
        detail: string.Join(" ", _errors.Select(pair => $"{pair.Key}: {string.Join(" ", pair.Value)}")));
}
