using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Extensions;
using StockPlatform.Frontend.Components.Pages;
using StockPlatform.Frontend.Tests.Fakes;

namespace StockPlatform.Frontend.Tests;

public sealed class LogsPageTests : PageTestContext
{
    private static readonly string Warning = GatewayJson.Log(101, "2026-11-30T06:39:59.123456Z", "Warning", "Alpaca answered 429; waiting 2 s",
        symbol: "SPY", stage: "fetch", exception: "System.Net.Http.HttpRequestException: 429 (Too Many Requests)", props: """{"attempt":2,"feed":"iex"}""");

    private static readonly string Information = GatewayJson.Log(100, "2026-11-30T06:39:58Z", "Information", "Stored 390 bars", symbol: "SPY", stage: "store");

    public LogsPageTests()
    {
        Gateway.On(HttpMethod.Get, "/agents", GatewayJson.Agents(
            [GatewayJson.Agent("ingestion", "host-1", "ok", "working", 1), GatewayJson.Agent("livestream", "host-2", "ok", "streaming", 1)]));
    }

    [Fact]
    public void The_newest_lines_are_listed_with_their_level_in_colour_and_details_on_demand()
    {
        Gateway.On(HttpMethod.Get, "/logs", GatewayJson.Logs(null, Warning, Information));

        var page = RenderPage<LogsPage>();

        var rows = page.WaitForElements(".log-table tbody tr.log-row");
        Assert.Equal(2, rows.Count);
        Assert.Equal("/logs?limit=100", Assert.Single(Gateway.To(HttpMethod.Get, "/logs")).PathAndQuery);
        Assert.Equal("2026-11-30 06:39:59.123", rows[0].QuerySelector(".log-time")!.TextContent.Trim());
        Assert.Equal("Alpaca answered 429; waiting 2 s", rows[0].QuerySelector(".log-message")!.TextContent.Trim());
        Assert.Equal("SPY", rows[0].QuerySelector(".log-symbol")!.TextContent.Trim());
        Assert.Equal("fetch", rows[0].QuerySelector(".log-stage")!.TextContent.Trim());
        var level = rows[0].QuerySelector(".log-level")!;
        Assert.Contains("mud-chip-color-warning", level.ClassName, StringComparison.Ordinal);
        Assert.Contains("log-level-warning", rows[0].ClassName, StringComparison.Ordinal);
        Assert.Contains("mud-chip-color-info", rows[1].QuerySelector(".log-level")!.ClassName, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=log-details]"));
        Assert.Empty(page.FindAll("[data-testid=log-load-older]"));

        page.Find("[data-testid=log-expand][data-log-id='101']").Click();

        var details = page.WaitForElement("[data-testid=log-details]");
        Assert.Equal("101", details.GetAttribute("data-log-id"));
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", details.QuerySelector(".log-trace-id")!.TextContent.Trim());
        Assert.Equal("2", details.QuerySelector("[data-prop=attempt]")!.TextContent.Trim());
        Assert.Equal("iex", details.QuerySelector("[data-prop=feed]")!.TextContent.Trim());
        Assert.Contains("429 (Too Many Requests)", details.QuerySelector(".log-exception")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("true", page.Find("[data-testid=log-expand][data-log-id='101']").GetAttribute("aria-expanded"));
    }

    [Fact]
    public async Task Filters_from_the_address_and_the_form_make_the_query_string()
    {
        Gateway.On(HttpMethod.Get, "/logs", GatewayJson.Logs(null, Warning));
        Services.GetRequiredService<NavigationManager>().NavigateTo("logs?agent=ingestion&level=warning");

        var page = RenderPage<LogsPage>();

        page.WaitForAssertion(() => Assert.Equal("/logs?agent=ingestion&level=Warning&limit=100", Assert.Single(Gateway.To(HttpMethod.Get, "/logs")).PathAndQuery));
        Assert.Equal("ingestion", Select(page, "Agent").Instance.GetState(x => x.Value));

        page.Find(".log-symbol-filter input").Input("spy");
        page.Find(".log-text-filter input").Input("rate limit");
        await page.InvokeAsync(() => Select(page, "Since").Instance.ValueChanged.InvokeAsync("1h"));

        // The clock stands at 06:40 UTC: the last hour starts at 05:40.
        page.WaitForAssertion(() => Assert.Equal("/logs?agent=ingestion&level=Warning&symbol=SPY&since=2026-11-30T05%3A40%3A00Z&q=rate%20limit&limit=100",
            Gateway.To(HttpMethod.Get, "/logs")[^1].PathAndQuery));

        await page.InvokeAsync(() => Select(page, "Agent").Instance.ValueChanged.InvokeAsync(""));
        await page.InvokeAsync(() => Select(page, "Minimum level").Instance.ValueChanged.InvokeAsync("Error"));
        page.Find(".log-text-filter input").Input("");
        page.Find("form.log-filters").Submit();

        page.WaitForAssertion(() => Assert.Equal("/logs?level=Error&symbol=SPY&since=2026-11-30T05%3A40%3A00Z&limit=100",
            Gateway.To(HttpMethod.Get, "/logs")[^1].PathAndQuery));
    }

    [Fact]
    public void Load_older_appends_the_next_page_until_there_is_none()
    {
        Gateway.On(HttpMethod.Get, "/logs?limit=100", GatewayJson.Logs("page-2", Warning, Information))
            .On(HttpMethod.Get, "/logs?limit=100&page_token=page-2", GatewayJson.Logs(null,
                GatewayJson.Log(99, "2026-11-30T06:39:00Z", "Debug", "Asked Alpaca for page 1"),
                GatewayJson.Log(98, "2026-11-30T06:38:00Z", "Error", "Window failed", exception: "boom")));
        var page = RenderPage<LogsPage>();
        page.WaitForElements(".log-table tbody tr.log-row");

        page.Find("[data-testid=log-load-older]").Click();

        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll(".log-table tbody tr.log-row").Count));
        Assert.Equal(["101", "100", "99", "98"], page.FindAll(".log-message").Select(m => m.GetAttribute("data-log-id")));
        Assert.Empty(page.FindAll("[data-testid=log-load-older]"));
        Assert.Equal("4 line(s)", page.Find("[data-testid=log-count]").TextContent.Trim());
        Assert.Equal("/logs?limit=100&page_token=page-2", Gateway.To(HttpMethod.Get, "/logs")[^1].PathAndQuery);
    }

    [Fact]
    public void The_live_tail_prepends_only_the_lines_that_match_the_filters()
    {
        Gateway.On(HttpMethod.Get, "/logs", GatewayJson.Logs(null, Warning));
        Services.GetRequiredService<NavigationManager>().NavigateTo("logs?agent=ingestion&level=warning");
        var page = RenderPage<LogsPage>();
        page.WaitForElements(".log-table tbody tr.log-row");

        // Before the tail is on, nothing is added.
        RaiseEvent("log", GatewayJson.Log(150, "2026-11-30T06:40:00Z", "Error", "Before the tail"));
        page.Find(".log-tail input").Change(true);
        RaiseEvent("log", GatewayJson.Log(200, "2026-11-30T06:40:01Z", "Error", "Window failed", symbol: "QQQ"));
        RaiseEvent("log", GatewayJson.Log(201, "2026-11-30T06:40:02Z", "Information", "Below the minimum level"));
        RaiseEvent("log", GatewayJson.Log(202, "2026-11-30T06:40:03Z", "Critical", "Another agent", agent: "livestream"));
        RaiseEvent("log", Warning);
        RaiseEvent("log", GatewayJson.Log(203, "2026-11-30T06:40:04Z", "Warning", "Retrying"));

        page.WaitForAssertion(() => Assert.Equal(["203", "200", "101"], page.FindAll(".log-message").Select(m => m.GetAttribute("data-log-id"))),
            TimeSpan.FromSeconds(3));

        page.Find(".log-tail input").Change(false);
        RaiseEvent("log", GatewayJson.Log(204, "2026-11-30T06:40:05Z", "Error", "After the tail"));
        Thread.Sleep(700);
        Assert.Equal(3, page.FindAll(".log-message").Count);
    }

    private static IRenderedComponent<MudSelect<string>> Select(IRenderedComponent<Bunit.Rendering.ContainerFragment> page, string label) =>
        page.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == label);
}
