namespace StockPlatform.MarketSim.Data;

/// <summary>
/// A least-recently-used cache with a fixed capacity. Values are computed outside the lock: two
/// threads may compute the same entry at once, which is harmless because generation is
/// deterministic, and no request waits behind another's generation.
/// </summary>
internal sealed class BoundedCache<TKey, TValue>(int capacity) where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<(TKey Key, TValue Value)>> _entries = new(capacity);
    private readonly LinkedList<(TKey Key, TValue Value)> _order = new();
    private readonly Lock _lock = new();

    public TValue GetOrAdd(TKey key, Func<TKey, TValue> factory)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                return node.Value.Value;
            }
        }

        var value = factory(key);
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var existing)) return existing.Value.Value;
            _entries[key] = _order.AddFirst((key, value));
            if (_entries.Count > capacity)
            {
                var last = _order.Last!;
                _order.RemoveLast();
                _entries.Remove(last.Value.Key);
            }
            return value;
        }
    }
}
