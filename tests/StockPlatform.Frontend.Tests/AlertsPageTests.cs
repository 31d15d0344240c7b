using Bunit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StockPlatform.Frontend.Components.Layout;
using StockPlatform.Frontend.Components.Pages;
using StockPlatform.Frontend.Services;
using StockPlatform.Frontend.Tests.Fakes;

namespace StockPlatform.Frontend.Tests;

public sealed class AlertsPageTests : PageTestContext
{
    private static readonly Guid Job = Guid.Parse("0b9e5f40-3c1d-4d59-9a43-6f0e2a7c1b11");

    private static readonly string Older = GatewayJson.Alert(12, "agent-stalled", "ingestion host-1 sent no heartbeat for 16 s", "2026-11-30T06:30:00Z");

    private static readonly string Newer = GatewayJson.Alert(14, "job-stalled", "job 0b9e5f40 made no progress for 10 min", "2026-11-30T06:35:00Z",
        agent: null, instance: null, jobId: Job);

    private static readonly string ClearedFirst = GatewayJson.Alert(9, "agent-stopped", "features host-3 stopped", "2026-11-30T05:00:00Z", "2026-11-30T06:00:00Z");

    private static readonly string ClearedLast = GatewayJson.Alert(10, "agent-stalled", "livestream host-2 sent no heartbeat for 15 s", "2026-11-30T06:10:00Z", "2026-11-30T06:20:00Z");

    [Fact]
    public void Active_alerts_come_first_newest_first_then_the_cleared_ones_last_cleared_first()
    {
        Gateway.On(HttpMethod.Get, "/alerts?active=true", GatewayJson.Alerts(Older, Newer))
            .On(HttpMethod.Get, "/alerts?active=false", GatewayJson.Alerts(ClearedFirst, Older, ClearedLast, Newer));

        var page = RenderPage<AlertsPage>();

        var items = page.WaitForElements("[data-testid=alert-item]");
        Assert.Equal(["14", "12", "10", "9"], items.Select(i => i.GetAttribute("data-alert-id")));
        Assert.Equal(["true", "true", "false", "false"], items.Select(i => i.GetAttribute("data-active")));
        Assert.All(items.Take(2), i => Assert.Contains("mud-alert-text-warning", i.ClassName, StringComparison.Ordinal));
        Assert.All(items.Skip(2), i => Assert.DoesNotContain("warning", i.ClassName, StringComparison.Ordinal));
        Assert.Equal("Active (2)", page.Find("[data-testid=alerts-active-title]").TextContent.Trim());

        Assert.Contains("Job stalled", items[0].TextContent, StringComparison.Ordinal);
        Assert.Equal($"jobs/{Job}", items[0].QuerySelector("a.alert-job")!.GetAttribute("href"));
        // The clock stands at 06:40: raised ten minutes ago, still active.
        Assert.Contains("raised 06:30:00 UTC, for 10 min 00 s", items[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("cleared 06:20:00 UTC after 10 min 00 s", items[2].TextContent, StringComparison.Ordinal);
        var asked = Gateway.To(HttpMethod.Get, "/alerts").Select(r => r.PathAndQuery).ToList();
        Assert.Contains("/alerts?active=true&limit=100", asked);
        Assert.Contains("/alerts?active=false&limit=100", asked);
    }

    [Fact]
    public void A_cleared_event_moves_the_alert_down()
    {
        Gateway.On(HttpMethod.Get, "/alerts?active=true", GatewayJson.Alerts(Older))
            .On(HttpMethod.Get, "/alerts?active=false", GatewayJson.Alerts(Older));
        var page = RenderPage<AlertsPage>();
        page.WaitForAssertion(() => Assert.Equal("true", page.Find("[data-testid=alert-item]").GetAttribute("data-active")));

        var cleared = GatewayJson.Alert(12, "agent-stalled", "ingestion host-1 sent no heartbeat for 16 s", "2026-11-30T06:30:00Z", "2026-11-30T06:39:00Z");
        Gateway.On(HttpMethod.Get, "/alerts?active=true", GatewayJson.Alerts())
            .On(HttpMethod.Get, "/alerts?active=false", GatewayJson.Alerts(cleared));
        RaiseEvent("alert.cleared", cleared);

        page.WaitForAssertion(() => Assert.Equal("false", page.Find("[data-testid=alert-item]").GetAttribute("data-active")), TimeSpan.FromSeconds(3));
        Assert.Single(page.FindAll("[data-testid=alerts-none]"));
    }

    [Fact]
    public void The_badge_counts_the_active_alerts_and_links_to_them()
    {
        Gateway.On(HttpMethod.Get, "/alerts?active=true", GatewayJson.Alerts(Older, Newer));

        var badge = RenderPage<AlertBadge>();

        badge.WaitForAssertion(() => Assert.Equal("2", badge.Find("[data-testid=alert-badge]").GetAttribute("data-count")));
        Assert.Equal("2", badge.Find(".mud-badge").TextContent.Trim());
        Assert.Equal("alerts", badge.Find("[data-testid=alert-badge-link]").GetAttribute("href"));
        Assert.Equal("2 active alerts", badge.Find("[data-testid=alert-badge-link]").GetAttribute("aria-label"));
    }

    [Fact]
    public void Without_active_alerts_the_badge_shows_no_count()
    {
        Gateway.On(HttpMethod.Get, "/alerts?active=true", GatewayJson.Alerts());

        var badge = RenderPage<AlertBadge>();

        badge.WaitForAssertion(() => Assert.Single(Gateway.To(HttpMethod.Get, "/alerts")));
        Assert.Equal("0", badge.Find("[data-testid=alert-badge]").GetAttribute("data-count"));
        Assert.Empty(badge.FindAll(".mud-badge"));
    }

    [Fact]
    public void A_raised_alert_pops_a_snackbar_and_the_badge_counts_it()
    {
        Gateway.On(HttpMethod.Get, "/alerts?active=true", GatewayJson.Alerts(Older));
        var badge = RenderPage<AlertBadge>();
        badge.WaitForAssertion(() => Assert.Equal("1", badge.Find("[data-testid=alert-badge]").GetAttribute("data-count")));

        Gateway.On(HttpMethod.Get, "/alerts?active=true", GatewayJson.Alerts(Older, Newer));
        RaiseEvent("alert.raised", Newer);

        badge.WaitForAssertion(() => Assert.Contains("Job stalled: job 0b9e5f40 made no progress for 10 min", badge.Find(".mud-snackbar").TextContent, StringComparison.Ordinal));
        badge.WaitForAssertion(() => Assert.Equal("2", badge.Find("[data-testid=alert-badge]").GetAttribute("data-count")), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void The_overview_links_to_the_alerts_with_their_count()
    {
        Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        Services.AddSingleton<ServiceHealth>();
        Gateway.On(HttpMethod.Get, "/alerts?active=true", GatewayJson.Alerts(Older))
            .On(HttpMethod.Get, "/version", """
                {"service":"gateway","version":"0.1.0","runtime":".NET 10","environment":"Test","market_data":"Alpaca",
                 "storage":{"path":"timescale","description":"TimescaleDB","schema_version":9}}
                """)
            .On(HttpMethod.Get, "/jobs", """{"jobs":[]}""")
            .On(HttpMethod.Get, "/symbols", """{"symbols":[]}""");

        var page = RenderPage<Overview>();

        var link = page.WaitForElement("[data-testid=overview-alerts]");
        Assert.Equal("1", link.GetAttribute("data-count"));
        Assert.Equal("alerts", link.GetAttribute("href"));
        Assert.StartsWith("1 active alert", link.TextContent.Trim(), StringComparison.Ordinal);
    }
}
