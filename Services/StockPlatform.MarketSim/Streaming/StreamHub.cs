using System.Collections.Concurrent;

namespace StockPlatform.MarketSim.Streaming;

/// <summary>
/// The authenticated stream connections. Alpaca allows one connection per endpoint and account;
/// a second one for the same key on the same feed is refused with 406.
/// </summary>
internal sealed class StreamHub
{
    private readonly ConcurrentDictionary<(string Endpoint, string KeyId), StreamSession> _active = new();
    private int _opened;
    private int _refused;

    /// <summary>Connections authenticated since the start.</summary>
    public int Opened => Volatile.Read(ref _opened);

    /// <summary>Connections refused with 406 because the key already had one open (a client's second connection).</summary>
    public int Refused => Volatile.Read(ref _refused);

    public bool TryRegister(StreamSession session, string keyId)
    {
        if (_active.TryAdd((session.Endpoint, keyId), session))
        {
            Interlocked.Increment(ref _opened);
            return true;
        }
        Interlocked.Increment(ref _refused);
        return false;
    }

    public void Unregister(StreamSession session, string keyId) =>
        _active.TryRemove(new KeyValuePair<(string, string), StreamSession>((session.Endpoint, keyId), session));

    /// <summary>A snapshot of the connections that receive data.</summary>
    public StreamSession[] Active => [.. _active.Values];
}
