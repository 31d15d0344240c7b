using System.Net;
using AngleSharp.Dom;
using Bunit;
using StockPlatform.Frontend.Components.Pages;
using StockPlatform.Frontend.Tests.Fakes;

namespace StockPlatform.Frontend.Tests;

public sealed class AgentsPageTests : PageTestContext
{
    private static readonly string Ingestion = GatewayJson.Agent("ingestion", "host-1", "ok", "working", 2.3,
        task: "SPY 2025-03-03..2025-03-07", progress: 0.42, counters: """{"bars_inserted":1234,"pages_fetched":12}""");

    private static readonly string LiveStream = GatewayJson.Agent("livestream", "host-2", "stalled", "streaming", 16.8);

    private static readonly string Features = GatewayJson.Agent("features", "host-3", "stopped", "stopped", 3725);

    public AgentsPageTests()
    {
        Gateway.On(HttpMethod.Get, "/alerts", GatewayJson.Alerts(
            GatewayJson.Alert(12, "agent-stalled", "livestream host-2 sent no heartbeat for 16 s", "2026-11-30T06:39:50Z", agent: "livestream", instance: "host-2")));
    }

    [Fact]
    public void Each_instance_is_a_card_with_its_status_in_its_colour_and_what_it_is_doing()
    {
        Gateway.On(HttpMethod.Get, "/agents", GatewayJson.Agents([Ingestion, LiveStream, Features]));

        var page = RenderPage<AgentsPage>();

        var cards = page.WaitForElements("[data-testid=agent-card]");
        // Sections by agent name, so features comes first.
        Assert.Equal(["stopped", "ok", "stalled"], cards.Select(c => c.GetAttribute("data-status")));
        var (stopped, ok, stalled) = (cards[0], cards[1], cards[2]);
        Assert.Contains("agent-status-ok", ok.ClassName, StringComparison.Ordinal);
        Assert.Contains("agent-status-stalled", stalled.ClassName, StringComparison.Ordinal);
        Assert.Contains("mud-chip-color-success", Chip(ok).ClassName, StringComparison.Ordinal);
        Assert.Contains("mud-chip-color-warning", Chip(stalled).ClassName, StringComparison.Ordinal);
        Assert.Contains("mud-chip-color-error", Chip(stopped).ClassName, StringComparison.Ordinal);
        Assert.Contains("agent-status-stalled", Chip(stalled).ClassName, StringComparison.Ordinal);
        Assert.Equal("stalled", Chip(stalled).TextContent.Trim());

        Assert.Equal("host-1", ok.GetAttribute("data-instance"));
        Assert.Equal("working", Text(ok, "agent-state"));
        Assert.Equal("SPY 2025-03-03..2025-03-07", Text(ok, "agent-task"));
        Assert.Equal("42", ok.QuerySelector("[data-testid=agent-progress]")!.GetAttribute("aria-valuenow"));
        Assert.Equal(["bars inserted 1,234", "pages fetched 12"], ok.QuerySelectorAll(".agent-counter").Select(c => c.TextContent.Trim()));
        Assert.Equal("last heartbeat 2 s ago", Text(ok, "agent-age"));
        Assert.Equal("last heartbeat 16 s ago", Text(stalled, "agent-age"));
        Assert.Equal("last heartbeat 1 h 02 min ago", Text(stopped, "agent-age"));
        // No progress reported, no bar; the stalled instance carries its alert.
        Assert.Null(stalled.QuerySelector("[data-testid=agent-progress]"));
        Assert.Equal("livestream host-2 sent no heartbeat for 16 s", Text(stalled, "agent-alert"));
        Assert.Null(ok.QuerySelector("[data-testid=agent-alert]"));
    }

    [Fact]
    public void The_heartbeat_age_counts_on_between_reloads()
    {
        Gateway.On(HttpMethod.Get, "/agents", GatewayJson.Agents([Ingestion]));
        var page = RenderPage<AgentsPage>();
        page.WaitForAssertion(() => Assert.Equal("last heartbeat 2 s ago", Text(page.Find("[data-testid=agent-card]"), "agent-age")));

        Clock.Advance(TimeSpan.FromSeconds(65));

        // The page's own one-second timer renders it again; the gateway's answer is the same.
        page.WaitForAssertion(() => Assert.Equal("last heartbeat 1 min 07 s ago", Text(page.Find("[data-testid=agent-card]"), "agent-age")), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Pause_asks_first_then_posts_with_the_key_and_shows_the_agent_paused()
    {
        Gateway.On(HttpMethod.Get, "/agents", GatewayJson.Agents([Ingestion], [GatewayJson.Control("ingestion", false, "2026-11-30T06:00:00Z")]))
            .On(HttpMethod.Post, "/agents/ingestion/pause", GatewayJson.Control("ingestion", true, "2026-11-30T06:40:00Z"));
        var page = RenderPage<AgentsPage>();
        page.WaitForElement("[data-testid=agent-card]");
        Assert.Empty(page.FindAll("[data-testid=agent-paused-banner]"));

        page.Find("[data-testid=agent-pause][data-agent=ingestion]").Click();
        page.WaitForElement(".mud-dialog").QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Keep running").Click();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".mud-dialog")));
        Assert.Empty(Gateway.To(HttpMethod.Post, "/agents"));

        page.Find("[data-testid=agent-pause][data-agent=ingestion]").Click();
        page.WaitForElement(".mud-dialog").QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Pause").Click();

        // The gateway's list still says running (it was read before the change): the answer to the pause wins.
        var banner = page.WaitForElement("[data-testid=agent-paused-banner]");
        Assert.Contains("ingestion is paused (since 06:40:00 UTC)", banner.TextContent, StringComparison.Ordinal);
        Assert.Equal("true", page.Find("[data-testid=agent-group][data-agent=ingestion]").GetAttribute("data-paused"));
        Assert.Single(page.FindAll("[data-testid=agent-resume][data-agent=ingestion]"));
        Assert.Contains("ingestion paused", page.Find(".mud-snackbar").TextContent, StringComparison.Ordinal);
        var sent = Assert.Single(Gateway.To(HttpMethod.Post, "/agents"));
        Assert.Equal("/agents/ingestion/pause", sent.PathAndQuery);
        Assert.Equal(ApiKey, sent.ApiKey);
    }

    [Fact]
    public void Resume_lifts_the_pause_of_a_paused_agent()
    {
        Gateway.On(HttpMethod.Get, "/agents", GatewayJson.Agents([GatewayJson.Agent("ingestion", "host-1", "ok", "paused", 1, paused: true)],
                [GatewayJson.Control("ingestion", true)]))
            .On(HttpMethod.Post, "/agents/ingestion/resume", GatewayJson.Control("ingestion", false, "2026-11-30T06:40:00Z"));
        var page = RenderPage<AgentsPage>();
        Assert.Contains("ingestion is paused", page.WaitForElement("[data-testid=agent-paused-banner]").TextContent, StringComparison.Ordinal);
        Assert.Single(page.FindAll(".agent-instance-paused"));

        page.Find("[data-testid=agent-resume][data-agent=ingestion]").Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=agent-paused-banner]")));
        Assert.Single(page.FindAll("[data-testid=agent-pause][data-agent=ingestion]"));
        Assert.Contains("ingestion resumed", page.Find(".mud-snackbar").TextContent, StringComparison.Ordinal);
        Assert.Equal(ApiKey, Assert.Single(Gateway.To(HttpMethod.Post, "/agents/ingestion/resume")).ApiKey);
    }

    [Fact]
    public void A_refused_pause_is_said_in_a_snackbar_and_changes_nothing()
    {
        Gateway.On(HttpMethod.Get, "/agents", GatewayJson.Agents([Ingestion]))
            .On(HttpMethod.Post, "/agents/ingestion/pause", """{"title":"Unknown agent","status":404,"detail":"no agent is called ingestion"}""",
                HttpStatusCode.NotFound, "application/problem+json");
        var page = RenderPage<AgentsPage>();
        page.WaitForElement("[data-testid=agent-card]");

        page.Find("[data-testid=agent-pause]").Click();
        page.WaitForElement(".mud-dialog").QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Pause").Click();

        page.WaitForAssertion(() => Assert.Contains("no agent is called ingestion", page.Find(".mud-snackbar").TextContent, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid=agent-paused-banner]"));
    }

    [Fact]
    public void An_agent_status_event_reloads_the_cards()
    {
        Gateway.On(HttpMethod.Get, "/agents", GatewayJson.Agents([Ingestion]));
        var page = RenderPage<AgentsPage>();
        page.WaitForAssertion(() => Assert.Equal("ok", page.Find("[data-testid=agent-card]").GetAttribute("data-status")));

        Gateway.On(HttpMethod.Get, "/agents", GatewayJson.Agents([GatewayJson.Agent("ingestion", "host-1", "stalled", "working", 16)]));
        RaiseEvent("agent.status", """{"agent":"ingestion","instance":"host-1","status":"stalled","state":"working","at":"2026-11-30T06:40:00Z"}""");

        page.WaitForAssertion(() => Assert.Equal("stalled", page.Find("[data-testid=agent-card]").GetAttribute("data-status")), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void No_heartbeat_yet_says_so()
    {
        Gateway.On(HttpMethod.Get, "/agents", GatewayJson.Agents([]));

        var page = RenderPage<AgentsPage>();

        page.WaitForElement("[data-testid=agents-empty]");
    }

    private static IElement Chip(IElement card) => card.QuerySelector("[data-testid=agent-status]")!;

    private static string Text(IElement card, string testId) => card.QuerySelector($"[data-testid={testId}]")!.TextContent.Trim();
}
