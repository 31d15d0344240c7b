using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using StockPlatform.Frontend.Components.Pages;
using StockPlatform.Frontend.Display;
using StockPlatform.Frontend.Tests.Fakes;

namespace StockPlatform.Frontend.Tests;

public sealed class IngestPageTests : PageTestContext
{
    private static readonly Guid JobId = Guid.Parse("4c1f0d2e-8a7b-4e59-9d3c-2b6a1e0f9c77");

    public IngestPageTests() =>
        Gateway.On(HttpMethod.Post, "/jobs", GatewayJson.JobWith(JobId, "SPY", "backfill", "queued", data: "\"bars\",\"trades\""), System.Net.HttpStatusCode.Accepted);

    private IRenderedComponent<Bunit.Rendering.ContainerFragment> Open(string query)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("ingest?" + query);
        return RenderPage<Ingest>();
    }

    private static bool Checked(IRenderedComponent<Bunit.Rendering.ContainerFragment> page, string box) =>
        page.Find($"{box} input").HasAttribute("checked") || page.Find($"{box} input").GetAttribute("aria-checked") == "true";

    [Fact]
    public void A_bad_ticker_shows_the_gateways_rule_under_the_field_as_it_is_typed_and_cannot_be_queued()
    {
        var page = Open("start=2026-01-05&end=2026-01-09");
        var expected = TickerList.Validate("S&P");
        Assert.NotNull(expected);

        page.Find(".tickers textarea").Input("spy, S&P");

        page.WaitForAssertion(() => Assert.Equal(expected, page.Find(".tickers .mud-input-helper-text").TextContent.Trim()));
        Assert.Contains("'&'", expected, StringComparison.Ordinal);
        Assert.Contains("mud-input-error", page.Find(".tickers .mud-input-helper-text").ClassName, StringComparison.Ordinal);
        Assert.True(page.Find("button.submit-ingest").HasAttribute("disabled"));

        // Mended as typed: the error goes and the form can be queued.
        page.Find(".tickers textarea").Input("spy, qqq");

        page.WaitForAssertion(() => Assert.False(page.Find("button.submit-ingest").HasAttribute("disabled")));
        Assert.DoesNotContain("'&'", page.Find(".tickers").TextContent, StringComparison.Ordinal);
        Assert.Contains("2 symbol(s), 2026-01-05 to 2026-01-09, bars", page.Markup, StringComparison.Ordinal);
        Assert.Empty(Gateway.To(HttpMethod.Post, "/jobs"));
    }

    [Fact]
    public void Bars_are_ticked_by_default_and_ticking_trades_sends_both_datasets()
    {
        var page = Open("symbols=SPY&start=2026-01-05&end=2026-01-09");
        Assert.True(Checked(page, ".data-bars"));
        Assert.False(Checked(page, ".data-trades"));
        Assert.False(Checked(page, ".data-quotes"));

        page.Find(".data-trades input").Change(true);
        page.WaitForAssertion(() => Assert.Contains("bars, trades", page.Markup, StringComparison.Ordinal));
        page.Find("button.submit-ingest").Click();

        page.WaitForAssertion(() => Assert.Equal($"/jobs/{JobId}", CurrentPath));
        var post = Assert.Single(Gateway.To(HttpMethod.Post, "/jobs"));
        Assert.Equal("""{"symbols":["SPY"],"start":"2026-01-05","end":"2026-01-09","feed":"iex","data":["bars","trades"]}""", post.Body);
        Assert.Equal(ApiKey, post.ApiKey);
    }

    [Fact]
    public void Nothing_ticked_cannot_be_queued_and_says_so()
    {
        var page = Open("symbols=SPY&start=2026-01-05&end=2026-01-09");
        Assert.False(page.Find("button.submit-ingest").HasAttribute("disabled"));

        page.Find(".data-bars input").Change(false);

        page.WaitForAssertion(() => Assert.True(page.Find("button.submit-ingest").HasAttribute("disabled")));
        Assert.Equal("Tick at least one of bars, trades and quotes.", page.Find(".ingest-data-help").TextContent.Trim());
        Assert.Empty(Gateway.To(HttpMethod.Post, "/jobs"));
    }

    [Fact]
    public void A_link_from_the_tape_arrives_with_its_dataset_ticked_instead_of_bars()
    {
        var page = Open("symbols=SPY&data=quotes&start=2026-01-05&end=2026-01-09");

        Assert.False(Checked(page, ".data-bars"));
        Assert.False(Checked(page, ".data-trades"));
        Assert.True(Checked(page, ".data-quotes"));
        page.Find("button.submit-ingest").Click();

        page.WaitForAssertion(() => Assert.EndsWith("\"data\":[\"quotes\"]}", Assert.Single(Gateway.To(HttpMethod.Post, "/jobs")).Body, StringComparison.Ordinal));
    }

    [Fact]
    public void The_gateways_rule_about_data_shows_under_the_checkboxes()
    {
        Gateway.Problem(HttpMethod.Post, "/jobs", "data", "quotes are not available on this feed.");
        var page = Open("symbols=SPY&data=bars,quotes&start=2026-01-05&end=2026-01-09");

        page.Find("button.submit-ingest").Click();

        page.WaitForAssertion(() => Assert.Equal("quotes are not available on this feed.", page.Find(".ingest-data-help").TextContent.Trim()));
        Assert.Contains("mud-error-text", page.Find(".ingest-data-help").ClassName, StringComparison.Ordinal);
    }
}
