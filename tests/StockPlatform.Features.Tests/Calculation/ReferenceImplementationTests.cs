using StockPlatform.Features.Calculation;
using StockPlatform.Features.Tests.Calculation.Support;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.Features.Tests.Calculation;

public sealed class ReferenceImplementationTests
{
    private static readonly List<Bar> Week = RandomWalkBars.Generate();
    private static readonly BarSeries Series = BarSeries.From(Week, BarSeries.NewYorkSession);
    private static readonly double[] Rows = FeatureCalculator.ComputeAll(FeatureSets.CoreV1, Series);

    [Fact]
    public void Every_core_v1_column_agrees_with_the_naive_reference_on_a_week_of_minute_bars()
    {
        var set = FeatureSets.CoreV1;
        var reference = NaiveCoreFeatures.Compute(Week, Series.Session, set.Parameters);

        Assert.Equal(set.Columns.Order(), reference.Keys.Order());
        foreach (var column in set.Columns)
        {
            FeatureAssert.Close(reference[column], TestSeries.Column(set, Rows, column), column);
        }
    }

    [Fact]
    public void Each_column_is_first_defined_where_its_window_or_seed_first_fills()
    {
        var expectedFirstDefined = new Dictionary<string, int>
        {
            ["return_1"] = 1, ["log_return_1"] = 1,
            ["sma_5"] = 4, ["sma_20"] = 19, ["sma_50"] = 49,
            ["ema_12"] = 11, ["ema_26"] = 25, ["ema_50"] = 49,
            ["rsi_14"] = 14, ["rsi_14_avg_gain"] = 14, ["rsi_14_avg_loss"] = 14,
            ["atr_14"] = 13, ["volatility_20"] = 20,
            ["vwap_session"] = 0, ["vwap_session_pv"] = 0, ["vwap_session_volume"] = 0,
            ["volume_zscore_20"] = 19, ["range_pct"] = 0,
        };

        Assert.Equal(expectedFirstDefined.Keys.Order(), FeatureSets.CoreV1.Columns.Order());
        foreach (var (column, first) in expectedFirstDefined)
        {
            var values = TestSeries.Column(FeatureSets.CoreV1, Rows, column);
            Assert.True(first == Array.FindIndex(values, v => !double.IsNaN(v)), $"{column} is first defined at {Array.FindIndex(values, v => !double.IsNaN(v))}, not {first}");
        }
    }

    [Fact]
    public void The_generated_week_has_a_holiday_gap_a_half_day_missing_minutes_and_undefined_stretches()
    {
        var barsPerDay = Week.GroupBy(bar => NewYorkTime.DateOf(bar.Timestamp)).ToDictionary(group => group.Key, group => group.Count());

        Assert.DoesNotContain(new DateOnly(2024, 11, 28), barsPerDay.Keys);
        Assert.Equal(210, barsPerDay[new DateOnly(2024, 11, 29)]);
        Assert.Equal(360, barsPerDay[RandomWalkBars.MissingMinutesDay]);
        Assert.Equal(6, Series.Session.Distinct().Count());

        // The stretches that make NaN positions worth comparing: equal volumes and a session opening without volume.
        var zScore = TestSeries.Column(FeatureSets.CoreV1, Rows, "volume_zscore_20");
        var vwap = TestSeries.Column(FeatureSets.CoreV1, Rows, "vwap_session");
        Assert.Equal(11, Enumerable.Range(19, Series.Count - 19).Count(bar => double.IsNaN(zScore[bar])));
        Assert.Equal(3, vwap.Count(double.IsNaN));
    }
}
