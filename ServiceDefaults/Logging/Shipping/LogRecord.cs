using Microsoft.Extensions.Logging;

namespace StockPlatform.ServiceDefaults.Logging.Shipping;

/// <summary>
/// One log entry as it is shipped to the central log store: the fields of the console's JSON
/// line (<see cref="JsonLineConsoleFormatter"/>), with who wrote it.
/// </summary>
/// <param name="Timestamp">When it was logged.</param>
/// <param name="Level">Its level.</param>
/// <param name="Agent">The scope's <c>agent</c>, else the process's <see cref="Agents.AgentIdentity"/> name, else the application's name.</param>
/// <param name="Instance">The process's <see cref="Agents.AgentIdentity.Instance"/>, when it has one.</param>
/// <param name="Category">The logger's category (usually the class that logged).</param>
/// <param name="Symbol">The <c>symbol</c> of its scope or state.</param>
/// <param name="Stage">The <c>stage</c> of its scope or state.</param>
/// <param name="Message">The formatted message.</param>
/// <param name="TraceId">The W3C trace id of the span it was logged in.</param>
/// <param name="SpanId">The span's id.</param>
/// <param name="Exception">The exception with its stack, when one was logged.</param>
/// <param name="Props">Every other field of its scopes and state as one JSON object (secrets masked), or null.</param>
public sealed record LogRecord(
    DateTimeOffset Timestamp,
    LogLevel Level,
    string Agent,
    string? Instance,
    string Category,
    string? Symbol,
    string? Stage,
    string Message,
    string? TraceId,
    string? SpanId,
    string? Exception,
    string? Props);
