using System.ComponentModel.DataAnnotations;

namespace StockPlatform.Gateway.Extensions;

/// <summary>The gateway's own settings (section <c>Gateway</c>).</summary>
public sealed class GatewayOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Gateway";

    /// <summary>The key every state change must send in <c>X-Api-Key</c> (<c>GATEWAY_API_KEY</c>); never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Reads need the key too (they are open by default).</summary>
    public bool RequireKeyForReads { get; set; }

    /// <summary>Requests per second a client (the holder of the API key, else its address) may make; bursts up to twice that.</summary>
    [Range(1, 100_000)]
    public int RequestsPerSecond { get; set; } = 50;

    /// <summary>Origins allowed to call the API from a browser (the dashboard's); none by default.</summary>
    public string[] CorsOrigins { get; set; } = [];

    /// <summary>
    /// Key (base64, at least 32 bytes) that signs page tokens, so a token works across restarts
    /// and gateway instances. Without one, a random key per process: tokens die with it.
    /// </summary>
    public string? PageTokenKey { get; set; }

    /// <summary>
    /// Bar reads that hand rows on as the store reads them, at once: a CSV export's whole range as
    /// one statement, a JSON page written as its statement returns it. Each holds a database
    /// connection until its client has taken every row. Reads beyond these take a page at a time
    /// and read it whole before sending it (a connection per page, back in the pool before the
    /// client is written to), so slow clients cannot hold the connection pool. 0: every read pages.
    /// </summary>
    [Range(0, 1_000)]
    public int StreamedReads { get; set; } = 8;

    /// <summary>Rows <c>POST /archive/sql</c> returns at most (a request may ask for fewer).</summary>
    [Range(1, 1_000_000)]
    public int SqlMaxRows { get; set; } = 10_000;

    /// <summary>Bytes of values <c>POST /archive/sql</c> returns at most.</summary>
    [Range(1024, 1L << 30)]
    public long SqlMaxBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Seconds a query of <c>POST /archive/sql</c> may run before it is stopped.</summary>
    [Range(1, 3600)]
    public int SqlTimeoutSeconds { get; set; } = 10;
}
