using StockPlatform.Features.Calculation;

namespace StockPlatform.Features.Tests.Calculation.Support;

/// <summary>Small hand-written series: only the columns a fixture cares about, the rest filled with neutral values.</summary>
internal static class TestSeries
{
    public static BarSeries Of(
        double[] close, double[]? open = null, double[]? high = null, double[]? low = null,
        double[]? volume = null, double[]? vwap = null, int[]? session = null)
    {
        var count = close.Length;
        var minutes = Enumerable.Range(0, count).Select(i => 1_700_000_000_000_000L + i * 60_000_000L).ToArray();
        return new BarSeries(
            minutes,
            open ?? close,
            high ?? close,
            low ?? close,
            close,
            volume ?? Enumerable.Repeat(100.0, count).ToArray(),
            vwap ?? close,
            session ?? new int[count]);
    }

    /// <summary>One column of a full computation, one value per bar.</summary>
    public static double[] Column(FeatureSetDefinition set, double[] rows, string column)
    {
        var index = set.ColumnIndex(column);
        Assert.True(index >= 0, $"{set.Name} v{set.Version} has no column {column}");
        var width = set.Columns.Count;
        return Enumerable.Range(0, rows.Length / width).Select(bar => rows[bar * width + index]).ToArray();
    }

    /// <summary>Computes a full run and returns one of its columns.</summary>
    public static double[] Feature(BarSeries bars, string column, FeatureSetDefinition? set = null)
    {
        set ??= FeatureSets.CoreV1;
        return Column(set, FeatureCalculator.ComputeAll(set, bars), column);
    }
}
