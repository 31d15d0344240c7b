using System.Diagnostics;
using MassTransit;

namespace StockPlatform.ServiceDefaults.Telemetry;

/// <summary>Where batched work sits in the traces: under which parent, linked to which other traces.</summary>
/// <param name="Parent">The parent to start the work's span with; default to start it under the current span.</param>
/// <param name="Links">The messages of other traces the work also serves.</param>
public readonly record struct BatchTrace(ActivityContext Parent, IReadOnlyList<ActivityLink> Links);

/// <summary>
/// The trace context a message carries across RabbitMQ, and where work on a batch of messages goes
/// in the traces. MassTransit starts each message's receive span under the sender's span, but a
/// batch is consumed under the last message's span only: work for the others would land in a
/// trace not theirs, and their traces would never show it.
/// </summary>
public static class MessageTrace
{
    /// <summary>The header MassTransit puts the sending span in (W3C traceparent format; <c>DiagnosticHeaders.ActivityId</c>).</summary>
    public const string ActivityIdHeader = "MT-Activity-Id";

    /// <summary>Most links one span gets; the SDK's own default limit is 128.</summary>
    public const int MaxLinks = 64;

    /// <summary>The span that sent <paramref name="context"/>'s message, as a remote parent; default when it carries none.</summary>
    public static ActivityContext ContextOf(ConsumeContext context)
    {
        var value = context.ReceiveContext.TransportHeaders.TryGetHeader(ActivityIdHeader, out var header) ? header : null;
        if (value is null && context.Headers.TryGetHeader(ActivityIdHeader, out var envelope)) value = envelope;
        return value is string text && ActivityContext.TryParse(text, null, isRemote: true, out var parsed) ? parsed : default;
    }

    /// <summary>
    /// Where work triggered by <paramref name="messages"/> (in batch order; the first is the one that
    /// triggered it) goes: under <paramref name="current"/> when that is in the first message's trace
    /// (the work then nests under the consume span), otherwise under the first message's own context;
    /// linked to every message of another trace.
    /// </summary>
    public static BatchTrace For(ActivityContext current, IEnumerable<ActivityContext> messages)
    {
        var carried = messages.Where(context => context != default).ToList();
        if (carried.Count == 0) return new BatchTrace(default, []);
        var trigger = carried[0];
        var parent = current != default && current.TraceId == trigger.TraceId ? current : trigger;
        return new BatchTrace(parent, LinksOutside(parent.TraceId, carried));
    }

    /// <summary>
    /// Links <paramref name="span"/> (a batch's consume span) to the messages of the batch that belong
    /// to other traces, so each of those traces can be followed to the work done for it.
    /// </summary>
    public static void LinkBatch(Activity? span, IEnumerable<ActivityContext> messages)
    {
        if (span is null) return;
        foreach (var link in LinksOutside(span.TraceId, messages.Where(context => context != default))) span.AddLink(link);
    }

    /// <summary>The contexts of <paramref name="messages"/> from traces other than <paramref name="trace"/>, once each, at most <see cref="MaxLinks"/>.</summary>
    private static List<ActivityLink> LinksOutside(ActivityTraceId trace, IEnumerable<ActivityContext> messages) =>
        messages.Where(context => context.TraceId != trace)
            .DistinctBy(context => (context.TraceId, context.SpanId))
            .Take(MaxLinks)
            .Select(context => new ActivityLink(context))
            .ToList();
}
