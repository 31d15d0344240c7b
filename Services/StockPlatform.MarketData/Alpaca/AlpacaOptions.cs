using System.ComponentModel.DataAnnotations;

namespace StockPlatform.MarketData.Alpaca;

/// <summary>
/// How to reach Alpaca (or MarketSim, which speaks the same protocol). Bound from the section
/// <c>Alpaca</c> and from the flat environment variables users know from Alpaca's own tools
/// (<c>ALPACA_KEY_ID</c>, <c>ALPACA_SECRET_KEY</c>, <c>ALPACA_FEED</c>, <c>ALPACA_DATA_URL</c>,
/// <c>ALPACA_TRADING_URL</c>, <c>ALPACA_STREAM_URL</c>), which win when set.
/// </summary>
public sealed class AlpacaOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Alpaca";

    /// <summary>API key id (header <c>APCA-API-KEY-ID</c>).</summary>
    public string? KeyId { get; set; }

    /// <summary>API secret (header <c>APCA-API-SECRET-KEY</c>). Never logged.</summary>
    public string? SecretKey { get; set; }

    /// <summary>Bar feed: <c>iex</c> (free plans) or <c>sip</c>.</summary>
    [Required, RegularExpression("^[a-z_]+$", ErrorMessage = "Alpaca:Feed must be a feed name such as iex or sip.")]
    public string Feed { get; set; } = "iex";

    /// <summary>Market-data REST base URL.</summary>
    [Required]
    public Uri DataUrl { get; set; } = new("https://data.alpaca.markets");

    /// <summary>Trading REST base URL (the calendar lives there). Paper keys use <c>https://paper-api.alpaca.markets</c>.</summary>
    [Required]
    public Uri TradingUrl { get; set; } = new("https://api.alpaca.markets");

    /// <summary>Market-data WebSocket URL; <c>{feed}</c> is replaced by <see cref="Feed"/>.</summary>
    [Required]
    public string StreamUrl { get; set; } = "wss://stream.data.alpaca.markets/v2/{feed}";

    /// <summary>Bars per page; Alpaca's maximum is 10000, which needs the fewest requests.</summary>
    [Range(1, 10_000)]
    public int PageSize { get; set; } = 10_000;

    /// <summary>Retries after the first attempt for 429, 5xx and network errors.</summary>
    [Range(0, 100)]
    public int MaxRetries { get; set; } = 8;

    /// <summary>First back-off delay for 5xx and network errors; later ones double, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest back-off between two attempts.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Upper bound for one HTTP attempt.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Waited past <c>X-RateLimit-Reset</c> before spending the new budget: the header has
    /// one-second resolution and clocks differ, so sending exactly at the reset risks a 429.
    /// </summary>
    public TimeSpan ResetMargin { get; set; } = TimeSpan.FromMilliseconds(600);

    /// <summary>Stream: delay before the first reconnect; doubles up to <see cref="StreamMaxReconnectDelay"/>, with jitter.</summary>
    public TimeSpan StreamReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Stream: longest wait between reconnects.</summary>
    public TimeSpan StreamMaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Stream: how often a ping checks that the connection still carries traffic.</summary>
    public TimeSpan StreamKeepAlive { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>True when both key id and secret are set.</summary>
    public bool HasCredentials => !string.IsNullOrWhiteSpace(KeyId) && !string.IsNullOrWhiteSpace(SecretKey);

    /// <summary>The stream URL with the feed filled in.</summary>
    public Uri GetStreamUri() => new(StreamUrl.Replace("{feed}", Feed, StringComparison.Ordinal));
}
