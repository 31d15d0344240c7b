namespace StockPlatform.MarketSim.Streaming;

/// <summary>Alpaca's stream error codes and their exact messages.</summary>
internal static class StreamErrors
{
    public static readonly (int Code, string Message) InvalidSyntax = (400, "invalid syntax");
    public static readonly (int Code, string Message) NotAuthenticated = (401, "not authenticated");
    public static readonly (int Code, string Message) AuthFailed = (402, "auth failed");
    public static readonly (int Code, string Message) AlreadyAuthenticated = (403, "already authenticated");
    public static readonly (int Code, string Message) AuthTimeout = (404, "auth timeout");
    public static readonly (int Code, string Message) SymbolLimitExceeded = (405, "symbol limit exceeded");
    public static readonly (int Code, string Message) ConnectionLimitExceeded = (406, "connection limit exceeded");
    public static readonly (int Code, string Message) SlowClient = (407, "slow client");
    public static readonly (int Code, string Message) InsufficientSubscription = (409, "insufficient subscription");
}
