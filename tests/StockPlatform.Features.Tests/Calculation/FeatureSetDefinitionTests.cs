using System.Security.Cryptography;
using System.Text;
using StockPlatform.Features.Calculation;

namespace StockPlatform.Features.Tests.Calculation;

public sealed class FeatureSetDefinitionTests
{
    [Fact]
    public void Core_v1_has_the_documented_columns_in_order()
    {
        string[] expected =
        [
            "return_1", "log_return_1", "sma_5", "sma_20", "sma_50", "ema_12", "ema_26", "ema_50",
            "rsi_14", "rsi_14_avg_gain", "rsi_14_avg_loss", "atr_14", "volatility_20",
            "vwap_session", "vwap_session_pv", "vwap_session_volume", "volume_zscore_20", "range_pct",
        ];

        Assert.Equal(("core", 1), (FeatureSets.CoreV1.Name, FeatureSets.CoreV1.Version));
        Assert.Equal(expected, FeatureSets.CoreV1.Columns);
    }

    [Fact]
    public void Every_feature_set_has_unique_column_names()
    {
        Assert.All(FeatureSets.All, set => Assert.Equal(set.Columns.Count, set.Columns.Distinct(StringComparer.Ordinal).Count()));
    }

    [Fact]
    public void The_state_columns_are_the_recursive_features_values_and_accumulators()
    {
        var set = FeatureSets.CoreV1;

        var names = set.StateColumns.Select(index => set.Columns[index]);

        Assert.Equal(
            ["atr_14", "ema_12", "ema_26", "ema_50", "rsi_14_avg_gain", "rsi_14_avg_loss", "vwap_session_pv", "vwap_session_volume"],
            names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Core_v1_looks_back_as_far_as_the_sma_50_window_reaches_before_its_bar()
    {
        Assert.Equal(49, FeatureSets.CoreV1.LookBackBars);
    }

    [Fact]
    public void The_parameters_are_written_as_compact_json_with_sorted_properties()
    {
        const string Expected =
            """{"atr_period":14,"ema_periods":[12,26,50],"rsi_period":14,"sma_windows":[5,20,50],"volatility_window":20,"volume_zscore_window":20}""";

        Assert.Equal(Expected, FeatureSets.CoreV1.ParametersJson);
    }

    [Fact]
    public void The_parameters_hash_is_the_lowercase_hex_sha256_of_the_json_and_the_same_for_equal_parameters()
    {
        var set = FeatureSets.CoreV1;
        var rebuilt = FeatureSetDefinition.CreateCore("core", 1, new([5, 20, 50], [12, 26, 50], 14, 14, 20, 20));

        var expected = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(set.ParametersJson))).ToLowerInvariant();

        Assert.Equal(expected, set.ParametersHash);
        Assert.Equal(set.ParametersHash, rebuilt.ParametersHash);
    }

    public static TheoryData<CoreFeatureParameters> ChangedParameters() =>
    [
        CoreFeatureParameters.V1 with { SmaWindows = [5, 20, 60] },
        CoreFeatureParameters.V1 with { SmaWindows = [20, 5, 50] },
        CoreFeatureParameters.V1 with { EmaPeriods = [12, 26] },
        CoreFeatureParameters.V1 with { RsiPeriod = 10 },
        CoreFeatureParameters.V1 with { AtrPeriod = 10 },
        CoreFeatureParameters.V1 with { VolatilityWindow = 30 },
        CoreFeatureParameters.V1 with { VolumeZScoreWindow = 30 },
    ];

    [Theory]
    [MemberData(nameof(ChangedParameters))]
    public void Changing_any_parameter_changes_the_parameters_hash(CoreFeatureParameters parameters)
    {
        var changed = FeatureSetDefinition.CreateCore("core", 1, parameters);

        Assert.NotEqual(FeatureSets.CoreV1.ParametersHash, changed.ParametersHash);
    }

    [Fact]
    public void Parameters_that_would_name_two_columns_alike_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => FeatureSetDefinition.CreateCore("core", 1, CoreFeatureParameters.V1 with { SmaWindows = [5, 5] }));
    }

    [Fact]
    public void Find_returns_the_set_by_name_and_version_and_null_for_anything_else()
    {
        Assert.Same(FeatureSets.CoreV1, FeatureSets.Find("core", 1));
        Assert.Null(FeatureSets.Find("core", 2));
        Assert.Null(FeatureSets.Find("Core", 1));
        Assert.Null(FeatureSets.Find("momentum", 1));
    }
}
