using System.ComponentModel.DataAnnotations;

namespace StockPlatform.Gateway.Extensions;

/// <summary>How the gateway splits backfill jobs (section <c>Ingest</c>).</summary>
public sealed class IngestOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Ingest";

    /// <summary>
    /// Calendar days per task: a quarter. Each window ends in a part-filled page, so longer
    /// windows waste less of the rate budget (a quarter of a liquid symbol is 3 to 6 pages, the
    /// waste under a sixth); the agent records every whole session after each page, so a crash
    /// still loses at most one page, and a task takes seconds at Alpaca's 200 requests a minute.
    /// </summary>
    [Range(1, 366)]
    public int WindowDays { get; set; } = 91;

    /// <summary>Feed used when a request names none (<c>ALPACA_FEED</c> overrides it).</summary>
    [RegularExpression("^(iex|sip)$", ErrorMessage = "Ingest:DefaultFeed must be iex or sip.")]
    public string DefaultFeed { get; set; } = "iex";
}
