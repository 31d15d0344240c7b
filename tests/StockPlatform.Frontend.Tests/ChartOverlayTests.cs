using Bunit;
using StockPlatform.Frontend.Components.Shared;
using StockPlatform.Frontend.Display;
using StockPlatform.Frontend.Tests.Fakes;

namespace StockPlatform.Frontend.Tests;

public sealed class ChartOverlayTests : PageTestContext
{
    private const string Bars = """
        {"symbol":"SPY","interval":"1d","bars":[
          {"timestamp":"2026-01-07T05:00:00Z","open":580,"high":590,"low":575,"close":588,"volume":1000,"trade_count":10,"vwap":584,"complete":true},
          {"timestamp":"2026-01-08T05:00:00Z","open":588,"high":592,"low":586,"close":590,"volume":1200,"trade_count":12,"vwap":589,"complete":true}],
         "next_page_token":null}
        """;

    private readonly BunitJSModuleInterop _chart;

    public ChartOverlayTests()
    {
        _chart = JSInterop.SetupModule("./js/bar-chart.js");
        _chart.Setup<int>("create", _ => true).SetResult(1);
        _chart.SetupVoid(_ => true).SetVoidResult();
        Gateway.On(HttpMethod.Get, "/bars/SPY", Bars)
            .On(HttpMethod.Get, "/features/SPY", GatewayJson.Features("SPY", "1d", ("2026-01-07T05:00:00Z", null, null), ("2026-01-08T05:00:00Z", 587.5, 61.25)));
    }

    private IRenderedComponent<BarChart> Chart(string interval, params string[] overlays) => Render<BarChart>(p => p
        .Add(x => x.Symbol, "SPY").Add(x => x.Interval, interval).Add(x => x.Session, "regular").Add(x => x.Overlays, overlays));

    [Fact]
    public void Chosen_features_of_the_bars_shown_are_drawn_with_warm_up_left_out_and_rsi_apart()
    {
        var chart = Chart("1d", ChartOverlays.Sma20.Name, ChartOverlays.Rsi.Name);

        chart.WaitForAssertion(() => Assert.NotEmpty(_chart.Invocations["setOverlays"]));
        var drawn = _chart.Invocations["setOverlays"][^1].Arguments;
        var line = Assert.Single((ChartLine[])drawn[1]!);
        Assert.Equal("SMA 20", line.Name);
        Assert.Equal([587.5], line.Points.Select(p => p.Value));
        Assert.Equal(ChartBars.ToChartTime(new DateTime(2026, 1, 8, 5, 0, 0, DateTimeKind.Utc)), line.Points[0].Time);
        var rsi = Assert.IsType<ChartLine>(drawn[2]);
        Assert.Equal([61.25], rsi.Points.Select(p => p.Value));

        // From the first bar shown, at the chart's interval.
        var read = Assert.Single(Gateway.To(HttpMethod.Get, "/features/SPY"));
        Assert.Contains("interval=1d", read.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("start=2026-01-07T05%3A00%3A00Z", read.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public void Intervals_without_features_never_ask_for_them()
    {
        var chart = Chart("15m", ChartOverlays.Sma20.Name);

        chart.WaitForAssertion(() => Assert.NotEmpty(_chart.Invocations["setBars"]));
        Assert.Empty(Gateway.To(HttpMethod.Get, "/features/"));
        Assert.All(_chart.Invocations["setOverlays"], call => Assert.Empty((ChartLine[])call.Arguments[1]!));
    }
}
