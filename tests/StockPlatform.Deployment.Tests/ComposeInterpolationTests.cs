using StockPlatform.Deployment.Tests.Support;

namespace StockPlatform.Deployment.Tests;

/// <summary>The compose interpolation the compose tests rely on, against the rules of Compose's specification.</summary>
public class ComposeInterpolationTests
{
    private static readonly Dictionary<string, string> Variables = new()
    {
        ["SET"] = "value",
        ["EMPTY"] = "",
    };

    [Theory]
    [InlineData("${SET}", "value")]
    [InlineData("$SET/x", "value/x")]
    [InlineData("${MISSING}", "")]
    [InlineData("${SET:-other}", "value")]
    [InlineData("${EMPTY:-other}", "other")]
    [InlineData("${EMPTY-other}", "")]
    [InlineData("${MISSING-other}", "other")]
    [InlineData("${SET:+alt}", "alt")]
    [InlineData("${EMPTY:+alt}", "")]
    [InlineData("a $$SET b", "a $SET b")]
    [InlineData("ws://${MISSING:-host:1/v2/{feed}}", "ws://host:1/v2/{feed}")]
    [InlineData("${MISSING:-${SET}}", "value")]
    public void Variables_are_replaced_as_Compose_replaces_them(string text, string expected)
    {
        Assert.Equal(expected, ComposeInterpolation.Apply(text, Variables));
    }

    [Theory]
    [InlineData("${MISSING:?say why}")]
    [InlineData("${EMPTY:?say why}")]
    [InlineData("${MISSING?say why}")]
    public void A_required_variable_that_is_missing_fails_with_its_message(string text)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ComposeInterpolation.Apply(text, Variables));
        Assert.Contains("say why", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_variables_a_text_reads_include_those_in_defaults_and_required_ones()
    {
        Assert.Equal(["A", "B", "C", "D"], ComposeInterpolation.VariablesIn("${A:-${B}} $C ${D:?needed} $$E"));
    }
}
