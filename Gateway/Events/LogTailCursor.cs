namespace StockPlatform.Gateway.Events;

/// <summary>
/// Which log ids the live tail has sent. Ids are taken when a batch is written and become visible
/// when it commits, so with several services writing, a higher id can be seen before a lower one:
/// the tail reads from <see cref="Settled"/> (every id up to it is sent or given up on), remembers
/// the ids it sent above it, and gives up on a missing id (a batch rolled back) once the id after
/// it has been seen for the grace period.
/// </summary>
internal sealed class LogTailCursor(TimeSpan grace)
{
    // Ids sent above Settled, with when each was first seen.
    private readonly SortedDictionary<long, DateTimeOffset> _ahead = [];

    /// <summary>Every id up to this one has been sent or given up on: the next read starts after it.</summary>
    public long Settled { get; private set; }

    /// <summary>Starts after <paramref name="latest"/> (history is not replayed).</summary>
    public void Start(long latest)
    {
        Settled = latest;
        _ahead.Clear();
    }

    /// <summary>True when <paramref name="id"/> has not been sent yet (it is then counted as sent).</summary>
    public bool TryAccept(long id, DateTimeOffset now) => id > Settled && _ahead.TryAdd(id, now);

    /// <summary>Moves <see cref="Settled"/> over the ids sent without a gap and over gaps waited out; true when it moved.</summary>
    public bool Settle(DateTimeOffset now)
    {
        var before = Settled;
        while (_ahead.Count > 0)
        {
            var (id, seen) = _ahead.First();
            if (id != Settled + 1 && now - seen < grace) break;
            Settled = id;
            _ahead.Remove(id);
        }
        return Settled > before;
    }
}
