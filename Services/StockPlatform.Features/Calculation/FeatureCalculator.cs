using StockPlatform.Features.Calculation.Kernels;

namespace StockPlatform.Features.Calculation;

/// <summary>
/// Computes feature rows from bars, either from the first bar of a series (a full rebuild) or
/// resumed after a stored row, with results identical to the bit either way.
/// </summary>
/// <remarks>
/// <para>
/// Resuming at bar <c>start</c> (its index in the <see cref="BarSeries"/> passed) needs:
/// at least <see cref="FeatureSetDefinition.LookBackBars"/> bars before <c>start</c> in the
/// series, and the stored row of bar <c>start - 1</c> as <c>previousRow</c> with
/// <see cref="CanResume"/> true for it. While any recursive feature of that row is still warming
/// up (a state column is NaN) its seed cannot be continued from a row, so the caller must rebuild
/// from the series' first bar instead: <c>Compute(set, wholeSeries, 0, default)</c>, then keep
/// the rows it needs.
/// </para>
/// <para>
/// Rolling windows are summed over their bars in a fixed order and recursive features carry
/// their state in their own columns, which is what makes a resumed row equal the rebuilt one.
/// </para>
/// </remarks>
public static class FeatureCalculator
{
    /// <summary>A full computation: every bar of <paramref name="bars"/> from the series' first bar.</summary>
    public static double[] ComputeAll(FeatureSetDefinition set, BarSeries bars) => Compute(set, bars, 0, default);

    /// <summary>
    /// The feature rows of bars <c>[start, bars.Count)</c>, row-major:
    /// <c>(bars.Count - start) * set.Columns.Count</c> values, NaN where a value is undefined.
    /// Bars before <paramref name="start"/> are history; <paramref name="previousRow"/> is the
    /// stored row of bar <c>start - 1</c>, empty when <paramref name="start"/> is 0.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// Resuming (<paramref name="start"/> &gt; 0) with fewer than <see cref="FeatureSetDefinition.LookBackBars"/>
    /// bars of history, with a row of the wrong width, or with a row <see cref="CanResume"/> rejects.
    /// </exception>
    public static double[] Compute(FeatureSetDefinition set, BarSeries bars, int start, ReadOnlySpan<double> previousRow)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(bars);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start, bars.Count);
        var rows = new double[(bars.Count - start) * set.Columns.Count];
        ComputeInto(set, bars, start, previousRow, rows);
        return rows;
    }

    /// <summary>
    /// <see cref="Compute"/> into a caller's buffer of at least
    /// <c>(bars.Count - start) * set.Columns.Count</c> values, for callers that reuse one.
    /// </summary>
    public static void ComputeInto(FeatureSetDefinition set, BarSeries bars, int start, ReadOnlySpan<double> previousRow, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(bars);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start, bars.Count);
        var width = set.Columns.Count;
        if (destination.Length < (bars.Count - start) * width)
            throw new ArgumentException($"destination holds {destination.Length} values, {(bars.Count - start) * width} are needed", nameof(destination));
        if (start == 0 && !previousRow.IsEmpty)
            throw new ArgumentException("a computation from the first bar takes no previous row", nameof(previousRow));
        if (start > 0) RequireResumable(set, start, previousRow);

        var column = 0;
        foreach (var kernel in set.Kernels)
        {
            var previous = start == 0 ? default : previousRow.Slice(column, kernel.Columns.Count);
            kernel.Compute(bars, start, previous, new FeatureRows(destination, width, start, column));
            column += kernel.Columns.Count;
        }
    }

    /// <summary>
    /// True when <paramref name="previousRow"/> is a row of <paramref name="set"/> whose recursive
    /// state is complete (no state column NaN), so the next bar can be computed from it. False
    /// while a recursive feature is still warming up: then rebuild from the first bar.
    /// </summary>
    public static bool CanResume(FeatureSetDefinition set, ReadOnlySpan<double> previousRow)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (previousRow.Length != set.Columns.Count) return false;
        foreach (var index in set.StateColumns)
        {
            if (double.IsNaN(previousRow[index])) return false;
        }

        return true;
    }

    private static void RequireResumable(FeatureSetDefinition set, int start, ReadOnlySpan<double> previousRow)
    {
        if (start < set.LookBackBars)
            throw new ArgumentException($"resuming needs {set.LookBackBars} bars before the first computed one, {start} were given", nameof(start));
        if (previousRow.Length != set.Columns.Count)
            throw new ArgumentException($"the previous row has {previousRow.Length} values, {set.Name} v{set.Version} has {set.Columns.Count} columns", nameof(previousRow));
        if (!CanResume(set, previousRow))
            throw new ArgumentException("the previous row's recursive features are still warming up: rebuild from the first bar", nameof(previousRow));
    }
}
