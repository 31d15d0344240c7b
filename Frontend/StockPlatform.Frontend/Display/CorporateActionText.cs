using System.Globalization;
using StockPlatform.Frontend.Gateway;

namespace StockPlatform.Frontend.Display;

/// <summary>
/// A label on the chart: <c>time</c> is the ex-date's midnight in chart time (New York wall clock,
/// see <see cref="ChartBars"/>); the script puts it on the first bar of that date it has drawn.
/// <c>kind</c> is <c>split</c> or <c>dividend</c> (its shape and colour).
/// </summary>
public sealed record ChartMarker(long Time, string Text, string Kind);

/// <summary>How splits and dividends read: "4:1 split", "1:10 reverse split", "Div $0.24".</summary>
public static class CorporateActionText
{
    public const string ForwardSplit = "forward_split", ReverseSplit = "reverse_split", CashDividend = "cash_dividend";

    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    /// <summary>The marker text of <paramref name="action"/>, or null for a type the chart does not mark (or one missing its rates).</summary>
    public static string? MarkerText(CorporateAction action) => action.Type switch
    {
        ForwardSplit when Ratio(action) is { } ratio => $"{ratio} split",
        ReverseSplit when Ratio(action) is { } ratio => $"{ratio} reverse split",
        CashDividend when action.Rate is { } rate => "Div $" + rate.ToString("0.00##", Culture),
        _ => null,
    };

    /// <summary><c>split</c>, <c>dividend</c>, or null when the chart does not mark the type.</summary>
    public static string? Kind(CorporateAction action) => action.Type switch
    {
        ForwardSplit or ReverseSplit => "split",
        CashDividend => "dividend",
        _ => null,
    };

    /// <summary>"2024-06-10 · 4:1 split", the line the list beside the chart shows (null when not marked).</summary>
    public static string? Line(CorporateAction action) =>
        MarkerText(action) is { } text && action.ExDate is { } exDate ? $"{exDate.ToString("yyyy-MM-dd", Culture)} · {text}" : null;

    /// <summary>The markers of the actions the chart marks, oldest first (the chart wants them sorted by time).</summary>
    public static IReadOnlyList<ChartMarker> Markers(IEnumerable<CorporateAction> actions) =>
    [
        .. actions
            .Where(a => MarkerText(a) is not null && a.ExDate is not null)
            .OrderBy(a => a.ExDate).ThenBy(a => Kind(a), StringComparer.Ordinal)
            .Select(a => new ChartMarker(ExDateTime(a.ExDate!.Value), MarkerText(a)!, Kind(a)!)),
    ];

    /// <summary>The ex-date's midnight in chart time: Unix seconds of that wall-clock instant read as UTC.</summary>
    public static long ExDateTime(DateOnly exDate) =>
        new DateTimeOffset(exDate.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();

    // Splits read new shares for old ones: 4 for 1 is "4:1", a 1-for-10 reverse split "1:10".
    private static string? Ratio(CorporateAction action) =>
        action is { NewRate: { } n, OldRate: { } o } && n > 0 && o > 0 ? $"{n.ToString("0.####", Culture)}:{o.ToString("0.####", Culture)}" : null;
}
