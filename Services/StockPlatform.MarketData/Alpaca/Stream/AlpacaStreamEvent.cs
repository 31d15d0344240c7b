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

/// <summary>A trade arrived (<c>T</c> = <c>t</c>); its time keeps every nanosecond Alpaca sent.</summary>
public sealed record StreamTradeReceived(DateTimeOffset At, Symbol Symbol, Trade Trade) : AlpacaStreamEvent(At);

/// <summary>A quote arrived (<c>T</c> = <c>q</c>).</summary>
public sealed record StreamQuoteReceived(DateTimeOffset At, Symbol Symbol, Quote Quote) : AlpacaStreamEvent(At);

/// <summary>
/// A trade sent earlier was corrected (<c>T</c> = <c>c</c>): <paramref name="Original"/> is what
/// was sent, <paramref name="Corrected"/> replaces it (same time, exchange and tape; id, price,
/// size and conditions may differ).
/// </summary>
public sealed record StreamTradeCorrectionReceived(DateTimeOffset At, Symbol Symbol, Trade Original, Trade Corrected) : AlpacaStreamEvent(At);

/// <summary>What a <see cref="StreamTradeCancelReceived"/> says happened to the trade (Alpaca's <c>a</c>).</summary>
public enum StreamTradeCancelKind
{
    /// <summary><c>C</c>: the trade was cancelled.</summary>
    Cancel,

    /// <summary><c>E</c>: the trade was reported in error.</summary>
    Error,
}

/// <summary>
/// A trade sent earlier is void (<c>T</c> = <c>x</c>). <paramref name="Trade"/> identifies it by
/// time, id, exchange, price, size and tape; Alpaca sends no conditions with it, so they are empty.
/// </summary>
public sealed record StreamTradeCancelReceived(DateTimeOffset At, Symbol Symbol, Trade Trade, StreamTradeCancelKind Kind) : AlpacaStreamEvent(At);

/// <summary>
/// The server confirmed the full subscription state (it always sends all of it). Alpaca adds
/// every trades symbol to <paramref name="Corrections"/> and <paramref name="CancelErrors"/> by itself.
/// </summary>
public sealed record StreamSubscriptionChanged(
    DateTimeOffset At,
    IReadOnlyList<string> Bars,
    IReadOnlyList<string> UpdatedBars,
    IReadOnlyList<string> DailyBars,
    IReadOnlyList<string> Trades,
    IReadOnlyList<string> Quotes,
    IReadOnlyList<string> Corrections,
    IReadOnlyList<string> CancelErrors) : AlpacaStreamEvent(At);

/// <summary>The connection ended; when <paramref name="WillReconnect"/>, the client retries after <paramref name="RetryIn"/>.</summary>
public sealed record StreamDisconnected(DateTimeOffset At, string Reason, bool WillReconnect, TimeSpan RetryIn) : AlpacaStreamEvent(At);

/// <summary>The server reported an error (see <see cref="StreamErrorCodes"/>).</summary>
public sealed record StreamErrorReceived(DateTimeOffset At, int Code, string Message, StreamErrorOutcome Outcome) : AlpacaStreamEvent(At);
