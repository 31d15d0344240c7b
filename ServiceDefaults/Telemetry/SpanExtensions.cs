using System.Diagnostics;

namespace StockPlatform.ServiceDefaults.Telemetry;

/// <summary>What every StockPlatform span does on failure, so the dashboard marks them all alike.</summary>
public static class SpanExtensions
{
    /// <summary>
    /// Marks <paramref name="span"/> failed with the exception's message, and records the exception
    /// as a span event (type, message, stack) for the trace view. Does nothing without a span.
    /// </summary>
    public static void Fail(this Activity? span, Exception exception)
    {
        if (span is null) return;
        span.SetStatus(ActivityStatusCode.Error, exception.Message);
        span.AddException(exception);
    }

    /// <summary>Marks <paramref name="span"/> failed with a reason that is not an exception.</summary>
    public static void Fail(this Activity? span, string reason) => span?.SetStatus(ActivityStatusCode.Error, reason);
}
