using StockPlatform.Frontend.Gateway;

namespace StockPlatform.Frontend.Display;

/// <summary>A point of a chart line: <c>time</c> as the bars have it (New York wall clock, see <see cref="ChartBars"/>).</summary>
public sealed record ChartPoint(long Time, double Value);

/// <summary>A line the chart script draws: its name (the legend and toggles), colour and points.</summary>
public sealed record ChartLine(string Name, string Color, IReadOnlyList<ChartPoint> Points);

/// <summary>One feature the symbol chart can draw over its bars.</summary>
public sealed record ChartOverlay(string Name, string Column, string Color);

/// <summary>
/// The core v1 features the symbol chart overlays: moving averages and the session VWAP on the
/// price pane, RSI(14) in a pane of its own (its 0 to 100 scale has nothing to do with prices).
/// </summary>
public static class ChartOverlays
{
    /// <summary>The feature set and version the overlays read.</summary>
    public const string FeatureSet = "core";

    public static readonly ChartOverlay Sma20 = new("SMA 20", "sma_20", "#f59e0b");
    public static readonly ChartOverlay Ema50 = new("EMA 50", "ema_50", "#8b5cf6");
    public static readonly ChartOverlay Vwap = new("VWAP", "vwap_session", "#0ea5e9");
    public static readonly ChartOverlay Rsi = new("RSI 14", "rsi_14", "#ec4899");

    /// <summary>Everything the toggles offer, in their order.</summary>
    public static readonly IReadOnlyList<ChartOverlay> All = [Sma20, Ema50, Vwap, Rsi];

    /// <summary>Only these intervals have features; the toggles hide for the others.</summary>
    public static bool HasFeatures(string interval) => FeatureText.Intervals.Contains(interval);

    /// <summary>The line of <paramref name="overlay"/> over <paramref name="rows"/>, warm-up (null) rows left out.</summary>
    public static ChartLine Line(ChartOverlay overlay, IEnumerable<FeatureRow> rows) =>
        new(overlay.Name, overlay.Color, [.. rows.Where(r => r[overlay.Column] is not null).Select(r => new ChartPoint(ChartBars.ToChartTime(r.Timestamp), r[overlay.Column]!.Value))]);
}
