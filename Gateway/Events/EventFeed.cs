namespace StockPlatform.Gateway.Events;

/// <summary>One event as <c>GET /events</c> sends it: <c>kind</c> names it (<c>job.progress</c>, <c>job.completed</c>, <c>job.failed</c>), <c>data</c> is its body.</summary>
public sealed record FeedEvent(long Id, string Kind, IReadOnlyList<string> Symbols, object Data, DateTimeOffset At);

/// <summary>
/// The gateway's recent events, numbered in arrival order, in a bounded buffer: a client that
/// reconnects with <c>Last-Event-ID</c> is sent what it missed, as long as the buffer still holds
/// it. Readers follow with a cursor (the last id they saw) and wait for the next append; the
/// buffer keeps no state per reader.
/// </summary>
public sealed class EventFeed(int capacity = EventFeed.DefaultCapacity)
{
    /// <summary>Events kept for reconnecting clients.</summary>
    public const int DefaultCapacity = 10_000;

    private readonly Queue<FeedEvent> _events = new();
    private readonly Lock _lock = new();
    // Ids start from the clock, so they keep rising across restarts: a client resuming with an id
    // from before a restart is sent everything the new buffer holds, never skipped past it.
    private long _lastId = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The id of the newest event.</summary>
    public long LastId
    {
        get
        {
            lock (_lock) return _lastId;
        }
    }

    /// <summary>Adds an event and wakes every waiting reader.</summary>
    public FeedEvent Append(string kind, IReadOnlyList<string> symbols, object data, DateTimeOffset at)
    {
        TaskCompletionSource wake;
        FeedEvent added;
        lock (_lock)
        {
            added = new FeedEvent(++_lastId, kind, symbols, data, at);
            _events.Enqueue(added);
            if (_events.Count > capacity) _events.Dequeue();
            wake = _appended;
            _appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        wake.TrySetResult();
        return added;
    }

    /// <summary>
    /// The events after <paramref name="afterId"/>, and whether some were already dropped from
    /// the buffer (the reader missed events it can no longer be sent).
    /// </summary>
    public (IReadOnlyList<FeedEvent> Events, bool Gap, Task Next) After(long afterId)
    {
        lock (_lock)
        {
            var gap = _events.Count > 0 && _events.Peek().Id > afterId + 1;
            return ([.. _events.Where(e => e.Id > afterId)], gap, _appended.Task);
        }
    }
}
