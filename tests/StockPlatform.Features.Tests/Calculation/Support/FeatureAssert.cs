using StockPlatform.Features.Calculation;

namespace StockPlatform.Features.Tests.Calculation.Support;

/// <summary>Comparisons that name the bar and column of the first difference.</summary>
internal static class FeatureAssert
{
    /// <summary>Every value identical to the bit; any NaN equals any NaN.</summary>
    public static void BitwiseEqual(FeatureSetDefinition set, ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, int firstBar, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        var width = set.Columns.Count;
        for (var i = 0; i < expected.Length; i++)
        {
            var (e, a) = (expected[i], actual[i]);
            if (double.IsNaN(e) && double.IsNaN(a)) continue;
            if (BitConverter.DoubleToInt64Bits(e) != BitConverter.DoubleToInt64Bits(a))
                Assert.Fail($"{context}: bar {firstBar + i / width}, {set.Columns[i % width]}: expected {e:R}, got {a:R}");
        }
    }

    /// <summary>Same NaN positions; elsewhere within <paramref name="relative"/> of the expected value (plus a tiny absolute floor for values near 0).</summary>
    public static void Close(double[] expected, double[] actual, string column, double relative = 1e-9)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var bar = 0; bar < expected.Length; bar++)
        {
            var (e, a) = (expected[bar], actual[bar]);
            if (double.IsNaN(e) != double.IsNaN(a))
                Assert.Fail($"{column} at bar {bar}: expected {e:R}, got {a:R} (NaN positions differ)");
            if (!double.IsNaN(e) && Math.Abs(e - a) > relative * Math.Abs(e) + 1e-12)
                Assert.Fail($"{column} at bar {bar}: expected {e:R}, got {a:R}");
        }
    }
}
