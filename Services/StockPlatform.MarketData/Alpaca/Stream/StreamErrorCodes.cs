namespace StockPlatform.MarketData.Alpaca.Stream;

/// <summary>What the client does about a stream error.</summary>
public enum StreamErrorOutcome
{
    /// <summary>Reported; the connection and the subscriptions stay as they are.</summary>
    Reported,

    /// <summary>The connection is dropped and opened again (with back-off), then everything is resubscribed.</summary>
    Reconnect,

    /// <summary>Retrying cannot help (bad keys, plan without the feed): the stream stops with an exception.</summary>
    Fatal,
}

/// <summary>Alpaca's stream error codes and how the client treats each.</summary>
public static class StreamErrorCodes
{
    /// <summary>400: invalid syntax (also a malformed symbol in a subscribe message).</summary>
    public const int InvalidSyntax = 400;

    /// <summary>401: subscribe sent before authenticating.</summary>
    public const int NotAuthenticated = 401;

    /// <summary>402: wrong keys.</summary>
    public const int AuthFailed = 402;

    /// <summary>403: authenticated twice.</summary>
    public const int AlreadyAuthenticated = 403;

    /// <summary>404: no auth within 10 seconds of connecting.</summary>
    public const int AuthTimeout = 404;

    /// <summary>405: too many symbols for the plan; the subscription stays as it was.</summary>
    public const int SymbolLimitExceeded = 405;

    /// <summary>406: another connection of the account is open (one per endpoint is allowed).</summary>
    public const int ConnectionLimitExceeded = 406;

    /// <summary>407: the client reads too slowly; the server drops it.</summary>
    public const int SlowClient = 407;

    /// <summary>409: the plan does not include this feed.</summary>
    public const int InsufficientSubscription = 409;

    /// <summary>410: the subscribe action is not valid for this feed.</summary>
    public const int InvalidSubscribeAction = 410;

    /// <summary>411: the OAuth token lacks the scope.</summary>
    public const int InsufficientScope = 411;

    /// <summary>500: the server failed.</summary>
    public const int InternalError = 500;

    /// <summary>How the client reacts to an error code.</summary>
    public static StreamErrorOutcome OutcomeOf(int code) => code switch
    {
        AuthFailed or InsufficientSubscription or InsufficientScope or InvalidSubscribeAction => StreamErrorOutcome.Fatal,
        // 406 usually means our previous connection has not been closed on the server yet.
        ConnectionLimitExceeded or SlowClient or AuthTimeout or InternalError or NotAuthenticated => StreamErrorOutcome.Reconnect,
        _ => StreamErrorOutcome.Reported,
    };

    /// <summary>A sentence for a person, naming what to do.</summary>
    public static string Describe(int code, string message) => code switch
    {
        AuthFailed => $"Alpaca stream authentication failed ({code}: {message}); check ALPACA_KEY_ID and ALPACA_SECRET_KEY.",
        InsufficientSubscription => $"The account's plan does not include this feed ({code}: {message}); use ALPACA_FEED=iex.",
        ConnectionLimitExceeded => $"Alpaca allows one stream connection per account and another one is open ({code}: {message}).",
        SymbolLimitExceeded => $"Too many symbols for the account's plan ({code}: {message}); the subscription was left unchanged.",
        SlowClient => $"Alpaca dropped the stream because it was read too slowly ({code}: {message}).",
        _ => $"Alpaca stream error {code}: {message}",
    };
}
