using System.Globalization;
using System.Text.Json.Serialization;

namespace StockPlatform.Bench.Support;

/// <summary>
/// One headline figure of a benchmark, as its JSON line's <c>figures</c> array carries it and as
/// <c>docs/benchmarks.md</c> shows it: the value, the baseline measured in the same run, their
/// ratio (value / baseline value unless the goal says otherwise) and the goal.
/// </summary>
/// <remarks>
/// The property names are fixed by attributes, so a benchmark that serializes with a naming policy
/// (snake case) still writes the same shape. Null means "not measured" (no value) or "no goal"
/// (<see cref="Met"/> of a figure that is only reported).
/// </remarks>
internal sealed record BenchFigure(
    [property: JsonPropertyName("figure")] string Figure,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("value")] double? Value,
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("baseline")] string? Baseline,
    [property: JsonPropertyName("baseline_value")] double? BaselineValue,
    [property: JsonPropertyName("ratio")] double? Ratio,
    [property: JsonPropertyName("goal")] string Goal,
    [property: JsonPropertyName("met")] bool? Met)
{
    /// <summary>The goal text of a figure that is only reported.</summary>
    public const string Reported = "(reported)";

    /// <summary>A path for figures that are not storage-specific.</summary>
    public const string AnyPath = "-";

    /// <summary>A figure whose goal is a ratio to the baseline of at most <paramref name="most"/> (lower is better: times, sizes).</summary>
    public static BenchFigure AtMost(string figure, string path, double? value, string unit, string baseline, double? baselineValue, double most) =>
        Compared(figure, path, value, unit, baseline, baselineValue, $"ratio <= {Text(most)}", ratio => ratio <= most);

    /// <summary>A figure whose goal is a ratio to the baseline of at least <paramref name="least"/> (higher is better: rates).</summary>
    public static BenchFigure AtLeast(string figure, string path, double? value, string unit, string baseline, double? baselineValue, double least) =>
        Compared(figure, path, value, unit, baseline, baselineValue, $"ratio >= {Text(least)}", ratio => ratio >= least);

    /// <summary>A figure shown beside its baseline without a goal of its own.</summary>
    public static BenchFigure Shown(string figure, string path, double? value, string unit, string? baseline = null, double? baselineValue = null) =>
        new(figure, path, Round(value), unit, baseline, Round(baselineValue), RatioOf(value, baselineValue), Reported, null);

    /// <summary>A figure with a goal the ratio does not express (an absolute bound, a count, a check): the caller decides <paramref name="met"/>.</summary>
    public static BenchFigure Checked(string figure, string path, double? value, string unit, string? baseline, double? baselineValue, string goal, bool met) =>
        new(figure, path, Round(value), unit, baseline, Round(baselineValue), RatioOf(value, baselineValue), goal, met);

    private static BenchFigure Compared(string figure, string path, double? value, string unit, string baseline, double? baselineValue, string goal, Func<double, bool> meets)
    {
        var ratio = RatioOf(value, baselineValue);
        // No ratio (nothing measured, or a zero baseline) cannot meet a goal stated as a ratio.
        return new(figure, path, Round(value), unit, baseline, Round(baselineValue), ratio, goal, ratio is { } r && meets(r));
    }

    // Ratios are computed from the unrounded figures, so rounding the value never moves a figure across its goal.
    private static double? RatioOf(double? value, double? baseline) =>
        value is { } v && baseline is { } b && b != 0 && double.IsFinite(v / b) ? Math.Round(v / b, 4) : null;

    // Three decimals keep ms and s readable and are exact enough for rows/s; JSON has no NaN or infinity.
    private static double? Round(double? value) => value is { } v && double.IsFinite(v) ? Math.Round(v, 3) : null;

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}
