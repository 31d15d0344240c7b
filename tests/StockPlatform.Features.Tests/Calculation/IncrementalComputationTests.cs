using StockPlatform.Features.Calculation;
using StockPlatform.Features.Tests.Calculation.Support;

namespace StockPlatform.Features.Tests.Calculation;

/// <summary>
/// The product's incremental path: the last LookBackBars bars before the first new bar, plus the
/// stored row of the bar before it, must give exactly the rows a full rebuild gives.
/// </summary>
public sealed class IncrementalComputationTests
{
    private static readonly FeatureSetDefinition Set = FeatureSets.CoreV1;
    private static readonly BarSeries Series = BarSeries.From(RandomWalkBars.Generate(), BarSeries.NewYorkSession);
    private static readonly double[] Full = FeatureCalculator.ComputeAll(Set, Series);
    private static readonly int Width = Set.Columns.Count;

    // ema_50 is the last recursive feature to finish its seed (at bar 49), so bar 50 is the first that can be resumed.
    private const int FirstResumableBar = 50;

    public static TheoryData<int> SplitPoints()
    {
        var points = new SortedSet<int> { FirstResumableBar, FirstResumableBar + 1, 64, Series.Count - 1, Series.Count };
        for (var bar = 1; bar < Series.Count; bar++)
        {
            // Both sides of every session boundary.
            if (Series.Session[bar] != Series.Session[bar - 1]) points.UnionWith([bar - 1, bar, bar + 1]);
        }

        for (var bar = FirstResumableBar; bar < Series.Count; bar += 97) points.Add(bar);
        return [.. points];
    }

    [Theory]
    [MemberData(nameof(SplitPoints))]
    public void Resuming_with_only_the_look_back_bars_and_the_stored_row_equals_a_full_rebuild_bit_for_bit(int start)
    {
        var historyStart = start - Set.LookBackBars;
        var window = Series.Slice(historyStart, Series.Count - historyStart);

        var tail = FeatureCalculator.Compute(Set, window, Set.LookBackBars, Row(Full, start - 1));

        FeatureAssert.BitwiseEqual(Set, Full.AsSpan(start * Width), tail, start, $"resumed at bar {start}");
    }

    [Fact]
    public void Resuming_bar_after_bar_from_each_previously_resumed_row_never_drifts_from_a_full_rebuild()
    {
        var rows = Full[..(FirstResumableBar * Width)].ToList();
        var random = new Random(7);
        var start = FirstResumableBar;
        while (start < Series.Count)
        {
            // New bars arrive one at a time or in small bursts; each step resumes from the row the last step stored.
            var end = Math.Min(Series.Count, start + random.Next(1, 40));
            var historyStart = start - Set.LookBackBars;
            var window = Series.Slice(historyStart, end - historyStart);
            var previous = rows.GetRange(rows.Count - Width, Width).ToArray();
            rows.AddRange(FeatureCalculator.Compute(Set, window, Set.LookBackBars, previous));
            start = end;
        }

        FeatureAssert.BitwiseEqual(Set, Full, rows.ToArray(), 0, "chained resumes");
    }

    [Fact]
    public void Appending_bars_never_changes_the_rows_of_earlier_bars()
    {
        foreach (var length in new[] { 1, 20, 49, 50, 391, Series.Count / 2 })
        {
            var prefix = FeatureCalculator.ComputeAll(Set, Series.Slice(0, length));

            FeatureAssert.BitwiseEqual(Set, Full.AsSpan(0, length * Width), prefix, 0, $"first {length} bars");
        }
    }

    [Fact]
    public void More_history_than_the_look_back_gives_the_same_rows_as_exactly_the_look_back()
    {
        const int Start = 1000;

        var tail = FeatureCalculator.Compute(Set, Series, Start, Row(Full, Start - 1));

        FeatureAssert.BitwiseEqual(Set, Full.AsSpan(Start * Width), tail, Start, "whole series as history");
    }

    [Fact]
    public void A_row_still_warming_up_cannot_be_resumed_from_and_the_first_complete_one_can()
    {
        Assert.False(FeatureCalculator.CanResume(Set, Row(Full, FirstResumableBar - 2)));
        Assert.True(FeatureCalculator.CanResume(Set, Row(Full, FirstResumableBar - 1)));
        var window = Series.Slice(FirstResumableBar - 1 - Set.LookBackBars, 100);

        var error = Assert.Throws<ArgumentException>(() =>
            FeatureCalculator.Compute(Set, window, Set.LookBackBars, Row(Full, FirstResumableBar - 2)));

        Assert.Contains("rebuild from the first bar", error.Message);
    }

    [Fact]
    public void Resuming_with_less_history_than_the_look_back_is_refused()
    {
        const int Start = 500;
        var window = Series.Slice(Start - Set.LookBackBars + 1, 100);

        Assert.Throws<ArgumentException>(() => FeatureCalculator.Compute(Set, window, Set.LookBackBars - 1, Row(Full, Start - 1)));
    }

    [Fact]
    public void A_previous_row_of_the_wrong_width_or_one_given_to_a_full_computation_is_refused()
    {
        var row = Row(Full, 499);

        Assert.Throws<ArgumentException>(() => FeatureCalculator.Compute(Set, Series, 500, row[..^1]));
        Assert.Throws<ArgumentException>(() => FeatureCalculator.Compute(Set, Series, 0, row));
        Assert.False(FeatureCalculator.CanResume(Set, row[..^1]));
    }

    [Fact]
    public void A_resumed_computation_takes_its_recursive_state_from_the_previous_row_not_from_the_history()
    {
        const int Start = 700;
        var previous = Row(Full, Start - 1);
        var emaColumn = Set.ColumnIndex("ema_12");
        previous[emaColumn] += 1.0;

        var tail = FeatureCalculator.Compute(Set, Series, Start, previous);

        // One bar later the offset has decayed by (1 - alpha) = 11/13.
        Assert.Equal(Full[Start * Width + emaColumn] + 11.0 / 13.0, tail[emaColumn], 1e-9);
    }

    [Fact]
    public void Resuming_at_the_end_of_the_series_returns_no_rows()
    {
        Assert.Empty(FeatureCalculator.Compute(Set, Series, Series.Count, Row(Full, Series.Count - 1)));
    }

    private static double[] Row(double[] rows, int bar) => rows.AsSpan(bar * Width, Width).ToArray();
}
