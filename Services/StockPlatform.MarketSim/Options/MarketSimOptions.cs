namespace StockPlatform.MarketSim.Options;

/// <summary>
/// Everything MarketSim can be told, bound from the configuration section <c>MarketSim</c>
/// (environment: <c>MarketSim__Seed=42</c>, <c>MarketSim__RateLimit__Window=00:00:05</c>, ...)
/// and validated at start-up.
/// </summary>
/// <remarks>
/// The list settings start empty and get their defaults after binding: the configuration binder
/// appends to an array that already has items, so a default in the initialiser could never be
/// replaced, only extended. An empty list therefore means "the default".
/// </remarks>
public sealed class MarketSimOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "MarketSim";

    /// <summary>The default <see cref="Seed"/>.</summary>
    public const int DefaultSeed = 20240101;

    /// <summary>The default <see cref="InvalidSymbols"/>.</summary>
    public static IReadOnlyList<string> DefaultInvalidSymbols { get; } = ["INVALID"];

    /// <summary>The default <see cref="LiquidSymbols"/>.</summary>
    public static IReadOnlyList<string> DefaultLiquidSymbols { get; } =
        ["SPY", "QQQ", "AAPL", "MSFT", "NVDA", "AMZN", "TSLA", "META", "GOOGL", "IWM", "AMD", "NFLX"];

    /// <summary>The default <see cref="Feeds"/>.</summary>
    public static IReadOnlyList<string> DefaultFeeds { get; } = ["iex", "sip"];

    /// <summary>
    /// Key id a client must send (<c>APCA-API-KEY-ID</c>). When it and <see cref="SecretKey"/> are
    /// unset, any non-empty pair is accepted.
    /// </summary>
    public string? KeyId { get; set; }

    /// <summary>Secret a client must send (<c>APCA-API-SECRET-KEY</c>); see <see cref="KeyId"/>.</summary>
    public string? SecretKey { get; set; }

    /// <summary>Seed of all synthetic data: the same seed always gives the same bars.</summary>
    public int Seed { get; set; } = DefaultSeed;

    /// <summary>Symbols answered with 400 <c>invalid symbol</c> although well-formed. Default <c>["INVALID"]</c>.</summary>
    public string[] InvalidSymbols { get; set; } = [];

    /// <summary>
    /// Symbols traded in nearly every regular-session minute; every other symbol is illiquid and
    /// skips many minutes. Also the universe that a <c>*</c> stream subscription covers.
    /// Default: SPY, QQQ, AAPL, MSFT, NVDA, AMZN, TSLA, META, GOOGL, IWM, AMD, NFLX.
    /// </summary>
    public string[] LiquidSymbols { get; set; } = [];

    /// <summary>Feeds this "account" may use (REST <c>feed</c> and stream <c>/v2/{feed}</c>). Default <c>["iex","sip"]</c>.</summary>
    public string[] Feeds { get; set; } = [];

    /// <summary>Request budget of the REST API.</summary>
    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>Injected failures and delays.</summary>
    public FaultOptions Faults { get; set; } = new();

    /// <summary>The simulated clock and the WebSocket stream.</summary>
    public StreamOptions Stream { get; set; } = new();

    /// <summary>True when clients must present exactly <see cref="KeyId"/> and <see cref="SecretKey"/>.</summary>
    public bool RequiresExactCredentials => !string.IsNullOrEmpty(KeyId) && !string.IsNullOrEmpty(SecretKey);

    /// <summary>Fills empty lists with their defaults (see the remarks on the class).</summary>
    internal void ApplyDefaults()
    {
        if (InvalidSymbols.Length == 0) InvalidSymbols = [.. DefaultInvalidSymbols];
        if (LiquidSymbols.Length == 0) LiquidSymbols = [.. DefaultLiquidSymbols];
        if (Feeds.Length == 0) Feeds = [.. DefaultFeeds];
    }
}
