using System.Collections.Concurrent;

namespace StockPlatform.MarketSim.Streaming;

/// <summary>
/// The authenticated stream connections. Alpaca allows one connection per endpoint and account;
/// a second one for the same key on the same feed is refused with 406.
/// </summary>
internal sealed class StreamHub
{
    private readonly ConcurrentDictionary<(string Endpoint, string KeyId), StreamSession> _active = new();

    public bool TryRegister(StreamSession session, string keyId) => _active.TryAdd((session.Endpoint, keyId), session);

    public void Unregister(StreamSession session, string keyId) =>
        _active.TryRemove(new KeyValuePair<(string, string), StreamSession>((session.Endpoint, keyId), session));

    /// <summary>A snapshot of the connections that receive data.</summary>
    public StreamSession[] Active => [.. _active.Values];
}
