using Bunit;
using MudBlazor.Services;
using StockPlatform.Frontend.Components.Shared;
using StockPlatform.Frontend.Gateway;

namespace StockPlatform.Frontend.Tests;

public sealed class CoverageStripTests : BunitContext, IAsyncLifetime
{
    public CoverageStripTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();

    // Mon 2024-03-04 .. Fri 03-08: the 5th, 6th and 8th missing.
    private static Coverage Coverage(params bool[] fetched)
    {
        var days = Enumerable.Range(0, fetched.Length).Select(i => new DateOnly(2024, 3, 4).AddDays(i)).ToList();
        var sessions = days.Select((d, i) => new SessionCoverage(d, fetched[i], fetched[i] ? 390 : null)).ToList();
        var ranges = new List<MissingRange>();
        for (var i = 0; i < sessions.Count; i++)
        {
            if (sessions[i].Fetched) continue;
            var start = i;
            while (i + 1 < sessions.Count && !sessions[i + 1].Fetched) i++;
            ranges.Add(new MissingRange(sessions[start].Date, sessions[i].Date, i - start + 1));
        }
        return new("SPY", "iex", days[0], days[^1], "alpaca", sessions.Count, sessions.Count(s => s.Fetched), sessions.Count(s => !s.Fetched), ranges, sessions);
    }

    [Fact]
    public void Each_session_is_a_cell_in_its_state_and_the_strip_says_which_are_missing()
    {
        var strip = Render<CoverageStrip>(p => p.Add(x => x.Coverage, Coverage(true, false, false, true, false)));

        var cells = strip.FindAll(".coverage-cells .cell");
        Assert.Equal(["fetched", "missing", "missing", "fetched", "missing"], cells.Select(c => c.ClassList.Contains("fetched") ? "fetched" : "missing"));
        Assert.Equal("Mon 2024-03-04: 390 bars", cells[0].GetAttribute("title"));
        Assert.Equal("Tue 2024-03-05: missing", cells[1].GetAttribute("title"));
        Assert.Equal("3 of 5 sessions missing: 2024-03-05 to 2024-03-06, 2024-03-08", strip.Find(".coverage-cells").GetAttribute("aria-label"));
        Assert.Contains("2 of 5 sessions fetched", strip.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void One_click_asks_to_backfill_from_the_first_hole_to_the_last()
    {
        MissingRange? asked = null;
        var strip = Render<CoverageStrip>(p => p
            .Add(x => x.Coverage, Coverage(true, false, false, true, false))
            .Add(x => x.OnBackfill, (MissingRange range) => asked = range));

        var button = strip.Find("button.backfill-holes");
        Assert.Contains("Backfill 3 missing", button.TextContent, StringComparison.Ordinal);
        button.Click();

        Assert.Equal(new MissingRange(new(2024, 3, 5), new(2024, 3, 8), 3), asked);
    }

    [Fact]
    public void A_complete_range_offers_nothing_to_backfill()
    {
        var strip = Render<CoverageStrip>(p => p
            .Add(x => x.Coverage, Coverage(true, true, true))
            .Add(x => x.OnBackfill, (MissingRange _) => { }));

        Assert.Empty(strip.FindAll("button.backfill-holes"));
        Assert.Equal("All 3 sessions fetched", strip.Find(".coverage-cells").GetAttribute("aria-label"));
    }
}
