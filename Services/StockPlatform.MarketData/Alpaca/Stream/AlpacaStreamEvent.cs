using StockPlatform.MarketData.Domain;

namespace StockPlatform.MarketData.Alpaca.Stream;

/// <summary>Something that happened on the market-data stream.</summary>
public abstract record AlpacaStreamEvent(DateTimeOffset At);

/// <summary>Which kind of bar a <see cref="StreamBarReceived"/> carries.</summary>
public enum StreamBarKind
{
    /// <summary><c>b</c>: the bar of the minute that just ended.</summary>
    Minute,

    /// <summary><c>u</c>: a late trade changed a minute bar already sent; it replaces that bar.</summary>
    Updated,

    /// <summary><c>d</c>: the day's bar so far.</summary>
    Daily,
}

/// <summary>A bar arrived.</summary>
public sealed record StreamBarReceived(DateTimeOffset At, Symbol Symbol, Bar Bar, StreamBarKind Kind) : AlpacaStreamEvent(At);

/// <summary>Connected and authenticated; <paramref name="Attempt"/> counts reconnects (0 for the first connection).</summary>
public sealed record StreamConnected(DateTimeOffset At, Uri Endpoint, int Attempt) : AlpacaStreamEvent(At);

/// <summary>The server confirmed the full subscription state (it always sends all of it).</summary>
public sealed record StreamSubscriptionChanged(
    DateTimeOffset At,
    IReadOnlyList<string> Bars,
    IReadOnlyList<string> UpdatedBars,
    IReadOnlyList<string> DailyBars) : AlpacaStreamEvent(At);

/// <summary>The connection ended; when <paramref name="WillReconnect"/>, the client retries after <paramref name="RetryIn"/>.</summary>
public sealed record StreamDisconnected(DateTimeOffset At, string Reason, bool WillReconnect, TimeSpan RetryIn) : AlpacaStreamEvent(At);

/// <summary>The server reported an error (see <see cref="StreamErrorCodes"/>).</summary>
public sealed record StreamErrorReceived(DateTimeOffset At, int Code, string Message, StreamErrorOutcome Outcome) : AlpacaStreamEvent(At);
