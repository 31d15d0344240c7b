using System.ComponentModel.DataAnnotations;

namespace StockPlatform.Gateway.Extensions;

/// <summary>How the gateway splits backfill jobs (section <c>Ingest</c>).</summary>
public sealed class IngestOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Ingest";

    /// <summary>
    /// Calendar days per task. Two weeks of a liquid symbol's minutes fit in about one
    /// 10000-bar page, so each task costs about one request and a crash loses little.
    /// </summary>
    [Range(1, 366)]
    public int WindowDays { get; set; } = 14;

    /// <summary>Feed used when a request names none (<c>ALPACA_FEED</c> overrides it).</summary>
    [RegularExpression("^(iex|sip)$", ErrorMessage = "Ingest:DefaultFeed must be iex or sip.")]
    public string DefaultFeed { get; set; } = "iex";
}
