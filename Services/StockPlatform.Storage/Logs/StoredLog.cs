using Microsoft.Extensions.Logging;

namespace StockPlatform.Storage.Logs;

/// <summary>One row of <c>logs</c>: a shipped log record with its id (ascending in the order rows were written).</summary>
public sealed record StoredLog(
    long Id,
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

/// <summary>
/// A read of <c>logs</c>, newest first. Every filter is optional; <see cref="Before"/> resumes
/// after the last row of the previous page (keyset paging on <c>(ts, id)</c>).
/// </summary>
public sealed record LogQuery
{
    /// <summary>Only this agent's records (exact name).</summary>
    public string? Agent { get; init; }

    /// <summary>Only records at this level or above.</summary>
    public LogLevel MinLevel { get; init; } = LogLevel.Trace;

    /// <summary>Only records about this symbol.</summary>
    public string? Symbol { get; init; }

    /// <summary>Only records logged at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Only records logged before this time (exclusive).</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Only records whose message contains this text, in any case.</summary>
    public string? Text { get; init; }

    /// <summary>Most records returned.</summary>
    public int Limit { get; init; } = 100;

    /// <summary>Only records before this position in the newest-first order: the previous page's last <c>(ts, id)</c>.</summary>
    public (DateTimeOffset Timestamp, long Id)? Before { get; init; }
}

/// <summary>A page of records, newest first, and whether older ones match too.</summary>
public sealed record LogPage(IReadOnlyList<StoredLog> Logs, bool HasMore);
