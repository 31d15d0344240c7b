using System.Globalization;
using StockPlatform.MarketData.Calendar;
using StockPlatform.Storage.Bars;
using Xunit.Sdk;

namespace StockPlatform.Storage.Tests.Support;

/// <summary>Compares bar series field by field, and says where they first differ.</summary>
internal static class BarAssert
{
    /// <summary>Same bars in the same order; <see cref="StoredBar.IsComplete"/> is compared only when <paramref name="completeness"/> is set.</summary>
    public static void Equal(IReadOnlyList<StoredBar> expected, IReadOnlyList<StoredBar> actual, string context, bool completeness = false)
    {
        for (var i = 0; i < Math.Min(expected.Count, actual.Count); i++)
        {
            var e = expected[i];
            var a = actual[i];
            if (!completeness) a = a with { IsComplete = e.IsComplete };
            // Decimal equality is by value (100.50 == 100.5), which is what "exactly" means for a price.
            if (e != a)
                throw new XunitException($"{context}: bar {i} of {expected.Count} differs{Environment.NewLine}expected {Describe(e)}{Environment.NewLine}actual   {Describe(actual[i])}");
        }
        if (expected.Count != actual.Count)
        {
            var extra = expected.Count > actual.Count ? $"first missing {Describe(expected[actual.Count])}" : $"first extra {Describe(actual[expected.Count])}";
            throw new XunitException($"{context}: expected {expected.Count} bars, got {actual.Count}; {extra}");
        }
    }

    public static string Describe(StoredBar bar) => string.Create(CultureInfo.InvariantCulture,
        $"{bar.Timestamp:yyyy-MM-ddTHH:mmZ} (NY {NewYorkTime.FromUtc(bar.Timestamp):yyyy-MM-dd HH:mm}) O {bar.Open} H {bar.High} L {bar.Low} C {bar.Close} V {bar.Volume} N {bar.TradeCount} VWAP {bar.Vwap} complete {bar.IsComplete}");
}
