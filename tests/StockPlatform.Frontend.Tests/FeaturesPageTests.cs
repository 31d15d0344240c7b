using System.Net;
using System.Text.Json;
using AngleSharp.Dom;
using Bunit;
using StockPlatform.Frontend.Components.Pages;
using StockPlatform.Frontend.Tests.Fakes;

namespace StockPlatform.Frontend.Tests;

public sealed class FeaturesPageTests : PageTestContext
{
    public FeaturesPageTests()
    {
        Gateway.On(HttpMethod.Get, "/features", GatewayJson.FeatureSets);
    }

    [Fact]
    public void The_feature_set_versions_are_listed_with_their_columns_parameters_hash_and_builds()
    {
        var page = RenderPage<FeaturesPage>();

        var row = page.WaitForElement(".feature-sets-table tbody tr");
        Assert.Equal("core", row.QuerySelector(".feature-set-name")!.TextContent.Trim());
        Assert.Equal("18", row.QuerySelector(".feature-set-columns")!.TextContent.Trim());
        Assert.Equal("""{"sma":[5,20,50],"ema":[12,26,50],"rsi":14}""", row.QuerySelector(".feature-set-params")!.TextContent);
        Assert.Contains("9f2c4be1a07d", row.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("9f2c4be1a07d5", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("0.1.0+6190e07", row.QuerySelector(".feature-build")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void The_preview_shows_the_latest_rows_newest_first_with_warm_up_values_empty()
    {
        Gateway.On(HttpMethod.Get, "/features/SPY", GatewayJson.Features("SPY", "1d",
            ("2026-01-07T05:00:00Z", null, null),
            ("2026-01-08T05:00:00Z", 587.123456789, null),
            ("2026-01-09T05:00:00Z", 588.5, 61.25)));
        var page = RenderPage<FeaturesPage>();
        page.WaitForElement(".feature-sets-table tbody tr");

        page.Find(".feature-symbol input").Input("spy");
        page.Find("form.feature-preview-form").Submit();

        var rows = page.WaitForElements(".feature-preview tbody tr", TimeSpan.FromSeconds(5));
        Assert.Equal(3, rows.Count);
        Assert.Equal(["2026-01-09", "2026-01-08", "2026-01-07"], rows.Select(r => r.QuerySelector(".feature-time")!.TextContent.Trim()));
        Assert.Equal("588.5000", Cell(rows[0], "sma_20"));
        Assert.Equal("61.2500", Cell(rows[0], "rsi_14"));
        Assert.Equal("587.1235", Cell(rows[1], "sma_20"));
        Assert.Equal("", Cell(rows[1], "rsi_14"));
        Assert.Equal("", Cell(rows[2], "sma_20"));
        // The default columns are shown, not all eighteen.
        Assert.Equal(5, rows[0].QuerySelectorAll("td[data-column]").Length);

        var read = Assert.Single(Gateway.To(HttpMethod.Get, "/features/SPY"));
        Assert.Contains("interval=1d", read.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("feature_set=core", read.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("version=1", read.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("latest=true", read.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_symbol_shows_nothing_and_asks_the_gateway_nothing()
    {
        var page = RenderPage<FeaturesPage>();
        page.WaitForElement(".feature-sets-table tbody tr");

        page.Find(".feature-symbol input").Input("S&P");
        page.Find("form.feature-preview-form").Submit();

        page.WaitForAssertion(() => Assert.Contains("contains '&'", page.Find(".feature-symbol").TextContent, StringComparison.Ordinal));
        Assert.True(page.Find("button.rebuild-features").HasAttribute("disabled"));
        Assert.Empty(Gateway.To(HttpMethod.Get, "/features/"));
    }

    [Fact]
    public void Rebuild_asks_first_then_posts_the_rebuild_with_the_key_and_opens_its_job()
    {
        var id = Guid.Parse("0b9e5f40-3c1d-4d59-9a43-6f0e2a7c1b11");
        Gateway.On(HttpMethod.Post, "/features/rebuild", GatewayJson.Job(id, "SPY", "feature-rebuild", "core:1"), HttpStatusCode.Accepted);
        var page = RenderPage<FeaturesPage>();
        page.WaitForElement(".feature-sets-table tbody tr");
        page.Find(".feature-symbol input").Input("SPY");

        page.Find("button.rebuild-features").Click();
        var confirm = page.WaitForElement(".mud-dialog");
        Assert.Empty(Gateway.To(HttpMethod.Post, "/features/rebuild"));
        confirm.QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Rebuild").Click();

        page.WaitForAssertion(() => Assert.Equal($"/jobs/{id}", CurrentPath));
        var sent = Assert.Single(Gateway.To(HttpMethod.Post, "/features/rebuild"));
        Assert.Equal(ApiKey, sent.ApiKey);
        using var body = JsonDocument.Parse(sent.Body!);
        Assert.Equal(["SPY"], body.RootElement.GetProperty("symbols").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("core", body.RootElement.GetProperty("feature_set").GetString());
        Assert.Equal(1, body.RootElement.GetProperty("version").GetInt32());
    }

    [Fact]
    public void Keeping_the_features_in_the_dialog_posts_nothing()
    {
        var page = RenderPage<FeaturesPage>();
        page.WaitForElement(".feature-sets-table tbody tr");
        page.Find(".feature-symbol input").Input("SPY");

        page.Find("button.rebuild-features").Click();
        page.WaitForElement(".mud-dialog").QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Keep").Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".mud-dialog")));
        Assert.Empty(Gateway.To(HttpMethod.Post, "/features/rebuild"));
        Assert.Equal("/", CurrentPath);
    }

    private static string Cell(IElement row, string column) => row.QuerySelector($"td[data-column='{column}']")!.TextContent.Trim();
}
