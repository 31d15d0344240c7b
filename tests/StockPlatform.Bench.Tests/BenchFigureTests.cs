using System.Text.Json;
using StockPlatform.Bench.Support;

namespace StockPlatform.Bench.Tests;

public class BenchFigureTests
{
    [Fact]
    public void A_rate_at_least_half_its_baseline_meets_a_ratio_floor_of_one_half()
    {
        var figure = BenchFigure.AtLeast("upsert, new rows", "plain", 600_000, "rows/s", "plain COPY", 1_000_000, 0.5);

        Assert.Equal(0.6, figure.Ratio);
        Assert.Equal("ratio >= 0.5", figure.Goal);
        Assert.True(figure.Met);
    }

    [Fact]
    public void A_time_over_its_ceiling_ratio_misses_the_goal()
    {
        var figure = BenchFigure.AtMost("a year of 5m bars", "timescaledb", 130, "ms", "bars_5m directly", 100, 1.2);

        Assert.Equal(1.3, figure.Ratio);
        Assert.Equal("ratio <= 1.2", figure.Goal);
        Assert.False(figure.Met);
    }

    [Fact]
    public void A_zero_or_missing_baseline_gives_no_ratio_and_meets_no_ratio_goal()
    {
        Assert.Null(BenchFigure.AtLeast("x", "-", 5, "rows/s", "nothing", 0, 0.5).Ratio);
        Assert.False(BenchFigure.AtLeast("x", "-", 5, "rows/s", "nothing", 0, 0.5).Met);
        Assert.False(BenchFigure.AtMost("x", "-", null, "ms", "floor", 10, 1.2).Met);
    }

    [Fact]
    public void A_figure_shown_without_a_goal_has_no_verdict()
    {
        var figure = BenchFigure.Shown("hot store per million rows", "plain", 81.234567, "MB");

        Assert.Null(figure.Met);
        Assert.Equal(BenchFigure.Reported, figure.Goal);
        Assert.Equal(81.235, figure.Value);
    }

    [Fact]
    public void Values_that_are_not_finite_are_written_as_null_so_the_json_line_still_serializes()
    {
        var json = JsonSerializer.Serialize(BenchFigure.Shown("x", "-", double.NaN, "ms", "y", double.PositiveInfinity));

        Assert.Contains("\"value\":null", json, StringComparison.Ordinal);
        Assert.Contains("\"baseline_value\":null", json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_snake_case_naming_policy_keeps_the_figure_field_names_the_report_reads()
    {
        var figure = BenchFigure.Checked("ComputeAll", "-", 2_500_000, "bars/s", "copy floor", 50_000_000, ">= 1,000,000 bars/s", true);

        var json = JsonSerializer.Serialize(new { figures = new[] { figure } }, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });
        using var document = JsonDocument.Parse(json);
        var item = document.RootElement.GetProperty("figures")[0];

        Assert.Equal(["figure", "path", "value", "unit", "baseline", "baseline_value", "ratio", "goal", "met"], item.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0.05, item.GetProperty("ratio").GetDouble());
    }
}
