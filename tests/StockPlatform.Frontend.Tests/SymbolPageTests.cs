using Bunit;
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
        _chart.SetupVoid(_ => true).SetVoidResult();
        Gateway.On(HttpMethod.Get, "/symbols/SPY", GatewayJson.Symbol("SPY", "2026-01-08T20:59:00Z"))
            .On(HttpMethod.Get, "/coverage/SPY", GatewayJson.Coverage("SPY"))
            .On(HttpMethod.Get, "/bars/SPY", Bars);
    }

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
