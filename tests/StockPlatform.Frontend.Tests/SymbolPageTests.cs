using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using StockPlatform.Frontend.Components.Pages;
using StockPlatform.Frontend.Display;
using StockPlatform.Frontend.Gateway;
using StockPlatform.Frontend.Tests.Fakes;

namespace StockPlatform.Frontend.Tests;

public sealed class SymbolPageTests : PageTestContext
{
    private const string Bars = """
        {"symbol":"SPY","interval":"1d","bars":[
          {"timestamp":"2026-01-07T05:00:00Z","open":580,"high":590,"low":575,"close":588,"volume":1000,"trade_count":10,"vwap":584,"complete":true},
          {"timestamp":"2026-01-08T05:00:00Z","open":588,"high":592,"low":586,"close":590,"volume":1200,"trade_count":12,"vwap":589,"complete":false}],
         "next_page_token":null}
        """;

    private readonly BunitJSModuleInterop _chart;

    public SymbolPageTests()
    {
        _chart = JSInterop.SetupModule("./js/bar-chart.js");
        _chart.Setup<int>("create", _ => true).SetResult(1);
        _chart.Setup<bool>("updateBar", _ => true).SetResult(true);
        _chart.Setup<int>("setMarkers", _ => true).SetResult(0);
        _chart.SetupVoid(_ => true).SetVoidResult();
        Gateway.On(HttpMethod.Get, "/symbols/SPY", GatewayJson.Symbol("SPY", "2026-01-08T20:59:00Z"))
            .On(HttpMethod.Get, "/coverage/SPY", GatewayJson.Coverage("SPY"))
            .On(HttpMethod.Get, "/bars/SPY", Bars)
            .On(HttpMethod.Get, "/corporate-actions/SPY", GatewayJson.CorporateActions("SPY", null))
            .On(HttpMethod.Get, "/trades/SPY", GatewayJson.Trades("SPY"));
    }

    private IReadOnlyList<ChartMarker> LastMarkers =>
        _chart.Invocations["setMarkers"] is { Count: > 0 } calls ? (IReadOnlyList<ChartMarker>)calls[^1].Arguments[1]! : [];

    [Fact]
    public void The_adjustment_switch_reloads_the_bars_adjusted_and_says_how()
    {
        var page = RenderPage<SymbolPage>(("Symbol", "SPY"));
        page.WaitForAssertion(() => Assert.Single(_chart.Invocations["setBars"]));
        Assert.EndsWith("&adjustment=raw", Assert.Single(Gateway.To(HttpMethod.Get, "/bars/SPY")).PathAndQuery, StringComparison.Ordinal);
        Assert.Equal("Prices as traded", page.Find(".adjustment-note").TextContent.Trim());
        Assert.Equal(["Raw", "Split", "Dividend", "All"], page.FindAll(".adjustment-switch button").Select(b => b.TextContent.Trim()));

        page.FindAll(".adjustment-switch button").Single(b => b.TextContent.Trim() == "Split").Click();

        page.WaitForAssertion(() => Assert.Equal(2, _chart.Invocations["setBars"].Count));
        Assert.EndsWith("&adjustment=split", Gateway.To(HttpMethod.Get, "/bars/SPY")[^1].PathAndQuery, StringComparison.Ordinal);
        Assert.Equal("split", page.Find(".bar-chart").GetAttribute("data-adjustment"));
        Assert.Equal("Adjusted for splits", page.Find(".adjustment-note").TextContent.Trim());

        page.FindAll(".adjustment-switch button").Single(b => b.TextContent.Trim() == "All").Click();

        page.WaitForAssertion(() => Assert.Equal(3, _chart.Invocations["setBars"].Count));
        Assert.EndsWith("&adjustment=all", Gateway.To(HttpMethod.Get, "/bars/SPY")[^1].PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public void A_link_with_an_interval_and_session_opens_the_chart_there()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("symbols/SPY?interval=1m&session=extended");
        var page = RenderPage<SymbolPage>(("Symbol", "SPY"));

        page.WaitForAssertion(() => Assert.Single(_chart.Invocations["setBars"]));
        Assert.StartsWith("/bars/SPY?interval=1m&session=extended&limit=2000", Assert.Single(Gateway.To(HttpMethod.Get, "/bars/SPY")).PathAndQuery, StringComparison.Ordinal);
        Assert.Equal("1m", page.Find(".bar-chart").GetAttribute("data-interval"));
        Assert.Equal("extended", page.Find(".bar-chart").GetAttribute("data-session"));
    }

    [Fact]
    public void A_link_with_an_interval_not_offered_opens_the_daily_chart()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("symbols/SPY?interval=2m&session=overnight");
        var page = RenderPage<SymbolPage>(("Symbol", "SPY"));

        page.WaitForAssertion(() => Assert.Single(_chart.Invocations["setBars"]));
        Assert.StartsWith("/bars/SPY?interval=1d&session=regular&limit=260", Assert.Single(Gateway.To(HttpMethod.Get, "/bars/SPY")).PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public void Splits_and_dividends_are_marked_on_the_chart_and_listed_latest_first()
    {
        Gateway.On(HttpMethod.Get, "/corporate-actions/SPY", GatewayJson.CorporateActions("SPY", "2026-01-09T10:00:00Z",
            GatewayJson.Split("2025-06-10", 4, 1), GatewayJson.Dividend("2026-01-08", 0.24m, 590m), GatewayJson.Split("2025-09-02", 1, 10)));

        var page = RenderPage<SymbolPage>(("Symbol", "SPY"));

        page.WaitForAssertion(() => Assert.Equal(3, LastMarkers.Count));
        Assert.Equal(["4:1 split", "1:10 reverse split", "Div $0.24"], LastMarkers.Select(m => m.Text));
        Assert.Equal(["split", "split", "dividend"], LastMarkers.Select(m => m.Kind));
        // The dividend sits on the bar of its ex-date, the chart's second daily bar.
        Assert.Equal(ChartBars.ToChartTime(new DateTime(2026, 1, 8, 5, 0, 0, DateTimeKind.Utc)), LastMarkers[2].Time);
        Assert.Equal(["2026-01-08 · Div $0.24", "2025-09-02 · 1:10 reverse split", "2025-06-10 · 4:1 split"],
            page.FindAll(".action-line").Select(l => l.TextContent.Trim()));
        Assert.Equal("refreshed 2026-01-09 10:00 UTC", page.Find(".actions-refreshed").TextContent.Trim());
        Assert.Equal("/corporate-actions/SPY", Assert.Single(Gateway.To(HttpMethod.Get, "/corporate-actions/SPY")).PathAndQuery);
    }

    [Fact]
    public void Without_corporate_actions_the_page_says_a_refresh_fetches_them()
    {
        var page = RenderPage<SymbolPage>(("Symbol", "SPY"));

        page.WaitForAssertion(() => Assert.Contains("Refresh the corporate actions to fetch them", page.Find(".actions-none").TextContent, StringComparison.Ordinal));
        Assert.Equal("never refreshed", page.Find(".actions-refreshed").TextContent.Trim());
        Assert.Empty(page.FindAll(".action-line"));
    }

    [Fact]
    public void Refreshing_corporate_actions_posts_with_the_key_waits_for_the_job_then_redraws_markers_and_bars()
    {
        var id = Guid.NewGuid();
        Gateway.On(HttpMethod.Post, "/corporate-actions/refresh", GatewayJson.JobWith(id, "SPY", "corporate-actions", "queued", data: ""), System.Net.HttpStatusCode.Accepted)
            .On(HttpMethod.Get, $"/jobs/{id}", GatewayJson.JobWith(id, "SPY", "corporate-actions", "running", data: ""));
        var page = RenderPage<SymbolPage>(("Symbol", "SPY"));
        page.WaitForAssertion(() => Assert.Single(_chart.Invocations["setBars"]));
        page.WaitForElement(".actions-none");

        page.Find("button.refresh-actions").Click();

        page.WaitForAssertion(() => Assert.True(page.Find("button.refresh-actions").HasAttribute("disabled")));
        var post = Assert.Single(Gateway.To(HttpMethod.Post, "/corporate-actions/refresh"));
        Assert.Equal(ApiKey, post.ApiKey);
        // From the first stored bar's New York date (2025-06-02T13:30Z), up to what is announced.
        Assert.Equal("""{"symbols":["SPY"],"start":"2025-06-02","end":null}""", post.Body);

        // The job ends: its event wakes the page, which reads the job, then the actions and the bars again.
        Gateway.On(HttpMethod.Get, $"/jobs/{id}", GatewayJson.JobWith(id, "SPY", "corporate-actions", "succeeded", data: ""))
            .On(HttpMethod.Get, "/corporate-actions/SPY", GatewayJson.CorporateActions("SPY", "2026-01-09T22:00:05Z", GatewayJson.Split("2026-01-08", 2, 1)));
        RaiseEvent("job.completed", $$"""{"job_id":"{{id}}","symbol":"SPY"}""");

        // Sooner than the two-second poll that covers a stream that is down.
        page.WaitForAssertion(() => Assert.Equal(["2026-01-08 · 2:1 split"], page.FindAll(".action-line").Select(l => l.TextContent.Trim())), TimeSpan.FromSeconds(1.5));
        page.WaitForAssertion(() => Assert.Equal(["2:1 split"], LastMarkers.Select(m => m.Text)));
        page.WaitForAssertion(() => Assert.Equal(2, _chart.Invocations["setBars"].Count));
        Assert.False(page.Find("button.refresh-actions").HasAttribute("disabled"));
        page.WaitForAssertion(() => Assert.Contains(page.FindAll(".mud-snackbar"), s => s.TextContent.Contains("Corporate actions of SPY refreshed", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_refused_refresh_says_why_and_leaves_the_actions_as_they_were()
    {
        Gateway.Problem(HttpMethod.Post, "/corporate-actions/refresh", "symbols", "SPY$ is not a symbol.");
        var page = RenderPage<SymbolPage>(("Symbol", "SPY"));
        page.WaitForElement(".actions-none");

        page.Find("button.refresh-actions").Click();

        page.WaitForAssertion(() => Assert.Contains("One or more validation errors occurred.", page.Find(".mud-snackbar").TextContent, StringComparison.Ordinal));
        Assert.False(page.Find("button.refresh-actions").HasAttribute("disabled"));
        Assert.Single(Gateway.To(HttpMethod.Get, "/corporate-actions/SPY"));
    }

    [Fact]
    public void Tracking_with_also_trades_puts_the_flags_and_a_change_while_tracked_puts_them_again()
    {
        Gateway.On(HttpMethod.Put, "/symbols/SPY/tracking", GatewayJson.TrackingWith("SPY", trades: true, quotes: false));
        var page = RenderPage<SymbolPage>(("Symbol", "SPY"));
        page.WaitForElement(".track-trades input");

        // Untracked: the box only chooses what tracking will stream.
        page.Find(".track-trades input").Change(true);
        Assert.Empty(Gateway.To(HttpMethod.Put, "/symbols/SPY/tracking"));

        page.Find(".track-live input").Change(true);

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll(".live-chip")));
        var put = Assert.Single(Gateway.To(HttpMethod.Put, "/symbols/SPY/tracking"));
        Assert.Equal("""{"trades":true,"quotes":false}""", put.Body);
        Assert.Equal(ApiKey, put.ApiKey);

        Gateway.On(HttpMethod.Put, "/symbols/SPY/tracking", GatewayJson.TrackingWith("SPY", trades: true, quotes: true));
        page.Find(".track-quotes input").Change(true);

        page.WaitForAssertion(() => Assert.Equal(2, Gateway.To(HttpMethod.Put, "/symbols/SPY/tracking").Count));
        Assert.Equal("""{"trades":true,"quotes":true}""", Gateway.To(HttpMethod.Put, "/symbols/SPY/tracking")[1].Body);
        page.WaitForAssertion(() => Assert.True(Checked(page, ".track-quotes")));
        Assert.True(Checked(page, ".track-trades"));
        page.WaitForAssertion(() => Assert.Contains(page.FindAll(".mud-snackbar"), s => s.TextContent.Contains("with its trades and quotes", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_tracked_symbol_shows_what_it_streams_and_a_refused_change_puts_the_box_back()
    {
        Gateway.On(HttpMethod.Get, "/symbols/SPY", GatewayJson.TrackedSymbol("SPY", trades: true, quotes: false))
            .Problem(HttpMethod.Put, "/symbols/SPY/tracking", "quotes", "the live stream is not configured for quotes");
        var page = RenderPage<SymbolPage>(("Symbol", "SPY"));
        page.WaitForElement(".live-chip");
        Assert.True(Checked(page, ".track-trades"));
        Assert.False(Checked(page, ".track-quotes"));

        page.Find(".track-quotes input").Change(true);

        page.WaitForAssertion(() => Assert.Contains("One or more validation errors occurred.", page.Find(".mud-snackbar").TextContent, StringComparison.Ordinal));
        Assert.Equal("""{"trades":true,"quotes":true}""", Assert.Single(Gateway.To(HttpMethod.Put, "/symbols/SPY/tracking")).Body);
        page.WaitForAssertion(() => Assert.False(Checked(page, ".track-quotes")));
        Assert.True(Checked(page, ".track-trades"));
        Assert.NotEmpty(page.FindAll(".live-chip"));
    }

    private static bool Checked(IRenderedComponent<Bunit.Rendering.ContainerFragment> page, string box) =>
        page.Find($"{box} input").HasAttribute("checked") || page.Find($"{box} input").GetAttribute("aria-checked") == "true";

    [Fact]
    public void Track_live_puts_then_deletes_the_tracking_with_the_key_and_shows_the_state()
    {
        Gateway.On(HttpMethod.Put, "/symbols/SPY/tracking", GatewayJson.Tracking("SPY", true))
            .On(HttpMethod.Delete, "/symbols/SPY/tracking", GatewayJson.Tracking("SPY", false));
        var page = RenderPage<SymbolPage>(("Symbol", "SPY"));
        page.WaitForElement(".track-live input");
        Assert.Empty(page.FindAll(".live-chip"));

        page.Find(".track-live input").Change(true);

        page.WaitForAssertion(() => Assert.Equal("Live", page.Find(".live-chip").TextContent.Trim()));
        Assert.Equal("true", page.Find(".track-live input").GetAttribute("aria-checked"));
        var put = Assert.Single(Gateway.To(HttpMethod.Put, "/symbols/SPY/tracking"));
        Assert.Equal(ApiKey, put.ApiKey);
        Assert.Empty(Gateway.To(HttpMethod.Delete, "/symbols/SPY/tracking"));

        page.Find(".track-live input").Change(false);

        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".live-chip")));
        Assert.Equal("false", page.Find(".track-live input").GetAttribute("aria-checked"));
        var delete = Assert.Single(Gateway.To(HttpMethod.Delete, "/symbols/SPY/tracking"));
        Assert.Equal(ApiKey, delete.ApiKey);
        Assert.False(page.Find(".track-live input").HasAttribute("disabled"));
    }

    [Fact]
    public void The_switch_is_disabled_while_the_gateway_answers()
    {
        var answer = new TaskCompletionSource();
        Gateway.On(HttpMethod.Put, "/symbols/SPY/tracking", GatewayJson.Tracking("SPY", true)).Hold(HttpMethod.Put, "/symbols/SPY/tracking", answer.Task);
        var page = RenderPage<SymbolPage>(("Symbol", "SPY"));
        page.WaitForElement(".track-live input");

        page.Find(".track-live input").Change(true);

        page.WaitForAssertion(() => Assert.True(page.Find(".track-live input").HasAttribute("disabled")));
        answer.SetResult();
        page.WaitForAssertion(() => Assert.False(page.Find(".track-live input").HasAttribute("disabled")));
        Assert.NotEmpty(page.FindAll(".live-chip"));
    }

    [Fact]
    public void A_refused_tracking_leaves_the_switch_off_and_says_why()
    {
        Gateway.Problem(HttpMethod.Put, "/symbols/SPY/tracking", "symbol", "the live stream is not configured");
        var page = RenderPage<SymbolPage>(("Symbol", "SPY"));
        page.WaitForElement(".track-live input");

        page.Find(".track-live input").Change(true);

        page.WaitForAssertion(() => Assert.Contains("One or more validation errors occurred.", page.Find(".mud-snackbar").TextContent, StringComparison.Ordinal));
        page.WaitForAssertion(() => Assert.Equal("false", page.Find(".track-live input").GetAttribute("aria-checked")));
        Assert.Empty(page.FindAll(".live-chip"));
        Assert.Single(Gateway.To(HttpMethod.Put, "/symbols/SPY/tracking"));
    }

    [Fact]
    public void A_live_minute_of_the_symbol_folds_into_the_days_bar_and_another_symbols_is_ignored()
    {
        var page = RenderPage<SymbolPage>(("Symbol", "SPY"));
        page.WaitForAssertion(() => Assert.NotEmpty(_chart.Invocations["setBars"]));
        Assert.Equal("0", page.Find(".bar-chart").GetAttribute("data-live-bars"));

        // 15:59 ET on the 8th, the last daily bar's session.
        RaiseEvent(LiveBar.NewKind, GatewayJson.LiveBar("SPY", "2026-01-08T20:59:00Z", 590m, 595m, 589m, 594m, 300));

        page.WaitForAssertion(() => Assert.Equal("1", page.Find(".bar-chart").GetAttribute("data-live-bars")));
        var drawn = (ChartBar)Assert.Single(_chart.Invocations["updateBar"]).Arguments[1]!;
        Assert.Equal(ChartBars.ToChartTime(new DateTime(2026, 1, 8, 5, 0, 0, DateTimeKind.Utc)), drawn.Time);
        Assert.Equal((588d, 595d, 586d, 594d, 1500L), (drawn.Open, drawn.High, drawn.Low, drawn.Close, drawn.Volume));

        // Events apply in order: had another symbol's minute or a job's event been drawn, it would come before the correction.
        RaiseEvent(LiveBar.NewKind, GatewayJson.LiveBar("QQQ", "2026-01-08T20:59:00Z", 500m, 505m, 499m, 504m, 300));
        RaiseEvent("job.progress", """{"job_id":"0b9e5f40-3c1d-4d59-9a43-6f0e2a7c1b11"}""");
        RaiseEvent(LiveBar.CorrectionKind, GatewayJson.LiveBar("SPY", "2026-01-08T20:59:00Z", 590m, 593m, 589m, 592m, 250));

        page.WaitForAssertion(() => Assert.Equal("2", page.Find(".bar-chart").GetAttribute("data-live-bars")));
        Assert.Equal(2, _chart.Invocations["updateBar"].Count);
        var corrected = (ChartBar)_chart.Invocations["updateBar"][1].Arguments[1]!;
        Assert.Equal((drawn.Time, 593d, 592d, 1450L), (corrected.Time, corrected.High, corrected.Close, corrected.Volume));
    }
}
