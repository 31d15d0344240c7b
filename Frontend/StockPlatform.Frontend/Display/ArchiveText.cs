using System.Globalization;

namespace StockPlatform.Frontend.Display;

/// <summary>How archive sizes and verification results read on the Archive page.</summary>
public static class ArchiveText
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    /// <summary>"812 B", "14.2 KB", "3.4 MB", "1.20 GB" (powers of 1024).</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => string.Create(Culture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(Culture, $"{bytes / 1024.0:0.0} KB"),
        < 1024L * 1024 * 1024 => string.Create(Culture, $"{bytes / (1024.0 * 1024):0.0} MB"),
        _ => string.Create(Culture, $"{bytes / (1024.0 * 1024 * 1024):0.00} GB"),
    };

    /// <summary>A check's colour: ok green, archive-only grey (retention, not a fault), anything else red.</summary>
    public static MudBlazor.Color CheckColor(string status) => status switch
    {
        "ok" => MudBlazor.Color.Success,
        "archive-only" => MudBlazor.Color.Default,
        _ => MudBlazor.Color.Error,
    };

    /// <summary>Examples that fill the SQL box: each shows one thing the archive answers.</summary>
    public static readonly IReadOnlyList<(string Label, string Sql)> ExampleQueries =
    [
        ("Minutes per session", "SELECT symbol, dt, count(*) AS minutes, sum(volume) AS volume FROM bars GROUP BY ALL ORDER BY ALL LIMIT 100"),
        ("Daily range of SPY", "SELECT dt, min(low) AS low, max(high) AS high, round(100 * (max(high) - min(low)) / min(low), 3) AS range_pct FROM bars WHERE symbol = 'SPY' GROUP BY dt ORDER BY dt DESC LIMIT 50"),
        ("Latest RSI", "SELECT symbol, max_by(rsi_14, ts) AS rsi_14, max(ts) AS at FROM features WHERE interval = '1d' GROUP BY symbol ORDER BY symbol"),
    ];
}
