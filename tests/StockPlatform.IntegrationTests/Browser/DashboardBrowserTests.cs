using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using StockPlatform.IntegrationTests.EndToEnd;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Aggregates;
using StockPlatform.Storage.Bars;
using Xunit.Abstractions;

namespace StockPlatform.IntegrationTests.Browser;

/// <summary>
/// The dashboard in a real browser against the real stack with MarketSim: queue an ingest from the
/// UI and watch it succeed, read the chart, switch interval, backfill a hole from the coverage
/// strip, phone width, no console errors; and the chart's timings (Performance API).
/// </summary>
public sealed class DashboardBrowserTests(ITestOutputHelper output)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Ingest_from_the_ui_then_chart_switch_interval_and_backfill_the_holes_without_a_console_error()
    {
        await using var session = await DashboardSession.StartAsync();
        var page = await session.OpenAsync();

        // Five recent sessions, two symbols, typed into the form (dates come in the link, as the coverage strip sends them).
        var today = NewYorkTime.DateOf(DateTimeOffset.UtcNow);
        var days = NyseCalendar.GetTradingDays(today.AddDays(-30), today.AddDays(-8)).Select(d => d.Date).ToList();
        var (start, end) = (days[^5], days[^1]);
        await DashboardSession.GoAsync(page, "/");
        await DashboardSession.ScreenshotAsync(page, "overview-empty");
        await Assertions.Expect(page.Locator(".simulated-banner")).ToBeVisibleAsync();

        await DashboardSession.GoAsync(page, "ingest");
        await page.Locator(".tickers textarea").FillAsync("spy, S&P");
        await Assertions.Expect(page.Locator(".tickers")).ToContainTextAsync("contains '&'");
        await Assertions.Expect(page.Locator("button.submit-ingest")).ToBeDisabledAsync();

        // The rest by keyboard alone: the tickers typed, the sessions typed into the range, the feed
        // chosen from its list (sip, then back to iex, which MarketSim serves), then the submit.
        await page.Locator(".tickers textarea").FocusAsync();
        await TypeIntoFocusedAsync(page, page.Locator(".tickers textarea"), "spy, qqq");
        await TabToAsync(page, "e.tagName === 'INPUT' && !!e.closest('.range')", "the range's start");
        await TypeIntoFocusedAsync(page, page.Locator(".range input").First, $"{start:yyyy-MM-dd}");
        await TabToAsync(page, "e.tagName === 'INPUT' && !!e.closest('.range') && e !== document.querySelectorAll('.range input')[0]", "the range's end");
        await TypeIntoFocusedAsync(page, page.Locator(".range input").Nth(1), $"{end:yyyy-MM-dd}");
        await TabToAsync(page, "!!e.closest('.feed')", "the feed");
        await ChooseByKeyboardAsync(page, ".feed", "sip");
        await ChooseByKeyboardAsync(page, ".feed", "iex");
        await Assertions.Expect(page.Locator(".ingest-summary")).ToHaveTextAsync($"2 symbol(s), {start:yyyy-MM-dd} to {end:yyyy-MM-dd}, bars");
        await DashboardSession.ScreenshotAsync(page, "ingest");
        await TabToAsync(page, "e.matches('button.submit-ingest')", "the submit button");
        await page.Keyboard.PressAsync("Enter");

        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/jobs/[0-9a-f-]{36}$"));
        await Assertions.Expect(page.Locator("h4 + .status-chip, .status-chip").First).ToHaveAttributeAsync("data-status", "succeeded", new() { Timeout = 90_000 });
        await Assertions.Expect(page.Locator(".windows-table .window-row")).Not.ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".window-failed")).ToHaveCountAsync(0);
        await DashboardSession.ScreenshotAsync(page, "job");
        var jobPath = new Uri(page.Url).AbsolutePath.TrimStart('/');

        // The symbol page draws what the API returns: a year of daily bars (here five), then the latest minutes.
        await DashboardSession.GoAsync(page, "symbols/SPY");
        var daily = await ApiCountAsync(session, "/bars/SPY?interval=1d&session=regular&limit=260");
        Assert.Equal(5, daily);
        await WaitForDrawAsync(page, draws: 1);
        Assert.Equal(daily, int.Parse(await page.Locator("#chart").GetAttributeAsync("data-bars") ?? "-1", CultureInfo.InvariantCulture));
        Assert.True(await PaintedPixelsAsync(page) > 500, "the chart's canvas is blank");
        // The legend on hover: the bar's numbers exactly as the API gave them.
        await AssertLegendShowsTheApisBarAsync(page, session, "/bars/SPY?interval=1d&session=regular&limit=260");
        await DashboardSession.ScreenshotAsync(page, "symbol-1d");

        // The interval and session switches by keyboard: Tab to a choice, Enter or Space picks it.
        await page.Locator(".symbol-title").FocusAsync();
        await TabToAsync(page, "!!e.closest('.interval-switch') && e.textContent.trim() === '1m'", "the interval switch's 1m");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#chart")).ToHaveAttributeAsync("data-interval", "1m");
        await WaitForDrawAsync(page, draws: 2);
        await TabToAsync(page, "!!e.closest('.session-switch') && e.textContent.trim() === 'extended'", "the session switch's extended");
        await page.Keyboard.PressAsync(" ");
        await Assertions.Expect(page.Locator("#chart")).ToHaveAttributeAsync("data-session", "extended");
        await WaitForDrawAsync(page, draws: 3);
        await TabToAsync(page, "!!e.closest('.session-switch') && e.textContent.trim() === 'regular'", "the session switch's regular", backwards: true);
        await page.Keyboard.PressAsync(" ");
        await Assertions.Expect(page.Locator("#chart")).ToHaveAttributeAsync("data-session", "regular");
        await WaitForDrawAsync(page, draws: 4);
        var minutes = await ApiCountAsync(session, "/bars/SPY?interval=1m&session=regular&limit=2000");
        Assert.True(minutes > 1000, $"{minutes} minutes in five sessions");
        Assert.Equal(minutes, int.Parse(await page.Locator("#chart").GetAttributeAsync("data-bars") ?? "-1", CultureInfo.InvariantCulture));
        Assert.True(await PaintedPixelsAsync(page) > 500, "the 1m chart's canvas is blank");
        await AssertLegendShowsTheApisBarAsync(page, session, "/bars/SPY?interval=1m&session=regular&limit=2000");
        await DashboardSession.ScreenshotAsync(page, "symbol-1m");

        // The coverage strip shows the holes around the five sessions; one click backfills them all.
        var coverage = page.Locator(".coverage");
        var missing = int.Parse(await coverage.GetAttributeAsync("data-missing") ?? "0", CultureInfo.InvariantCulture);
        Assert.True(missing > 0, "the coverage strip shows no hole");
        await TabToAsync(page, "e.matches('button.backfill-holes')", "the coverage strip's backfill button");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/jobs/[0-9a-f-]{36}$"));
        await Assertions.Expect(page.Locator(".status-chip").First).ToHaveAttributeAsync("data-status", "succeeded", new() { Timeout = 120_000 });
        await DashboardSession.GoAsync(page, "symbols/SPY");
        await page.Locator(".coverage").WaitForAsync();
        Assert.True(await page.Locator(".coverage").GetAttributeAsync("data-missing") == "0", await page.Locator(".coverage-cells").GetAttributeAsync("aria-label"));
        await DashboardSession.ScreenshotAsync(page, "symbol-backfilled");

        await DashboardSession.GoAsync(page, "/");
        // The two backfills (each also queued a corporate actions refresh of its symbols, listed beside them).
        await Assertions.Expect(page.Locator(".job-row[data-status=succeeded]:has(.job-kind[data-kind=backfill])")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator(".symbols-table")).ToContainTextAsync("QQQ");
        await DashboardSession.ScreenshotAsync(page, "overview");
        await DashboardSession.GoAsync(page, "jobs");
        await DashboardSession.ScreenshotAsync(page, "jobs");

        // The feature agent archived the sessions and computed their features as they arrived.
        await WaitForApiAsync(session, "/archive/partitions?symbol=SPY", json => json.GetProperty("count").GetInt32() >= 5);
        await DashboardSession.GoAsync(page, "archive");
        await page.Locator(".archive-symbol input").FillAsync("SPY");
        await page.Locator("button.archive-list").ClickAsync();
        await Assertions.Expect(page.Locator(".partitions-table tbody tr")).Not.ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".archive-totals")).ToContainTextAsync("partition");
        await page.Locator("button.archive-verify").ClickAsync();
        // Verifying reads every partition back: give it time on a loaded machine.
        await Assertions.Expect(page.Locator(".verify-check").First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator(".verify-problem")).ToHaveCountAsync(0);
        await page.Locator(".sql-box textarea").FillAsync("SELECT symbol, count(*) AS minutes FROM bars GROUP BY symbol ORDER BY symbol");
        await page.Locator("button.sql-run").ClickAsync();
        await Assertions.Expect(page.Locator(".sql-results tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator(".sql-results")).ToContainTextAsync("QQQ");
        await page.Locator(".sql-box textarea").FillAsync("SELECT * FROM read_csv('/etc/passwd')");
        await page.Locator("button.sql-run").ClickAsync();
        await Assertions.Expect(page.Locator(".sql-refusal")).ToContainTextAsync("Permission Error");
        await DashboardSession.ScreenshotAsync(page, "archive");

        await WaitForApiAsync(session, "/features/SPY?interval=1d&latest=true&limit=5", json => json.GetProperty("rows").GetArrayLength() == 5);
        await DashboardSession.GoAsync(page, "features");
        await Assertions.Expect(page.Locator(".feature-sets-table tbody tr")).Not.ToHaveCountAsync(0);
        await page.Locator(".feature-symbol input").FillAsync("SPY");
        await page.Locator("button.show-features").ClickAsync();
        await Assertions.Expect(page.Locator(".feature-preview tbody tr")).Not.ToHaveCountAsync(0);
        await DashboardSession.ScreenshotAsync(page, "features");

        await DashboardSession.GoAsync(page, "alerts");
        await page.Locator(".mud-main-content").WaitForAsync();
        await DashboardSession.ScreenshotAsync(page, "alerts");
        await DashboardSession.GoAsync(page, "agents");
        await Assertions.Expect(page.Locator("[data-testid=agent-card]").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await DashboardSession.ScreenshotAsync(page, "agents");
        await DashboardSession.GoAsync(page, "logs");
        await DashboardSession.ScreenshotAsync(page, "logs-all");

        // Phone width: no page is wider than the screen, the chart still drawn.
        var phone = await session.OpenAsync(390, 844, phone: true);
        foreach (var (path, name) in new[]
        {
            ("/", "phone-overview"), ("symbols/SPY", "phone-symbol"), ("ingest", "phone-ingest"), (jobPath, "phone-job"), ("jobs", "phone-jobs"),
            ("agents", "phone-agents"), ("alerts", "phone-alerts"), ("logs", "phone-logs"), ("features", "phone-features"), ("archive", "phone-archive"),
        })
        {
            await DashboardSession.GoAsync(phone, path);
            if (path.StartsWith("symbols", StringComparison.Ordinal)) await WaitForDrawAsync(phone, draws: 1);
            if (path == jobPath) await phone.Locator(".windows-table").WaitForAsync();
            if (path == "jobs") await phone.Locator(".job-row").First.WaitForAsync();
            if (path == "agents") await phone.Locator("[data-testid=agent-card]").First.WaitForAsync(new() { Timeout = 30_000 });
            if (path == "features") await phone.Locator(".feature-sets-table tbody tr").First.WaitForAsync();
            await DashboardSession.ScreenshotAsync(phone, name);
            var widths = await phone.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
            Assert.True(widths[0] <= widths[1] + 1, $"{path} is {widths[0]} px wide on a {widths[1]} px phone; wider: {await WidestAsync(phone)}");
        }

        // Keyboard: the ingest form's fields and its button are reachable with Tab.
        await DashboardSession.GoAsync(page, "ingest?symbols=SPY");
        var reached = new HashSet<string>();
        for (var i = 0; i < 25; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached.Add(await page.EvaluateAsync<string>("() => (document.activeElement.closest('.tickers, .range, .feed, .submit-ingest') || {}).className || ''"));
        }
        Assert.Contains(reached, c => c.Contains("tickers", StringComparison.Ordinal));
        Assert.Contains(reached, c => c.Contains("range", StringComparison.Ordinal));
        Assert.Contains(reached, c => c.Contains("feed", StringComparison.Ordinal));
        Assert.Contains(reached, c => c.Contains("submit-ingest", StringComparison.Ordinal));

        // The job page's cancel (and its confirmation) and retry by keyboard, on a job the paused agent leaves queued.
        using var gateway = new HttpClient { BaseAddress = session.Gateway.Url };
        gateway.DefaultRequestHeaders.Add("X-Api-Key", PlatformStack.ApiKey);
        (await gateway.PostAsync("/agents/ingestion/pause", null)).EnsureSuccessStatusCode();
        await WaitForApiAsync(session, "/agents", json => json.GetProperty("agents").EnumerateArray()
            .Any(agent => agent.GetProperty("agent").GetString() == "ingestion" && agent.GetProperty("paused").GetBoolean()));
        using var queued = await gateway.PostAsync("/jobs", JsonContent.Create(new { symbols = new[] { "IWM" }, start = $"{start:yyyy-MM-dd}", end = $"{end:yyyy-MM-dd}", feed = "iex" }));
        queued.EnsureSuccessStatusCode();
        var waitingJob = (await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("job_id").GetString();
        await DashboardSession.GoAsync(page, $"jobs/{waitingJob}");
        await Assertions.Expect(page.Locator(".status-chip").First).ToHaveAttributeAsync("data-status", "queued");
        await page.Locator(".job-title").FocusAsync();
        await TabToAsync(page, "e.matches('button.cancel-job')", "the job's cancel button");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator(".mud-dialog")).ToContainTextAsync("Cancel this job?");
        // The dialog's focus trap puts the focus on its first button once it has rendered; Tab from there.
        await page.WaitForFunctionAsync("() => document.activeElement?.tagName === 'BUTTON' && !!document.activeElement.closest('.mud-dialog')", null, new() { Timeout = 30_000 });
        await TabToAsync(page, "e.tagName === 'BUTTON' && !!e.closest('.mud-dialog') && e.textContent.trim() === 'Cancel job'", "the dialog's Cancel job");
        await DashboardSession.ScreenshotAsync(page, "job-cancel-dialog");
        // Enter on that button itself: under load the dialog's focus trap can render again between
        // the Tab and the key and put the focus back on its first button ("Keep running"), which
        // closed the dialog without cancelling (seen once in CI). Reaching the button by Tab is checked above.
        await page.Locator(".mud-dialog button", new() { HasText = "Cancel job" }).PressAsync("Enter");
        await Assertions.Expect(page.Locator(".mud-dialog")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".status-chip").First).ToHaveAttributeAsync("data-status", "cancelled", new() { Timeout = 30_000 });
        await page.Locator(".job-title").FocusAsync();
        await TabToAsync(page, "e.matches('button.retry-job')", "the job's retry button");
        await page.Keyboard.PressAsync(" ");
        await Assertions.Expect(page.Locator(".status-chip").First).ToHaveAttributeAsync("data-status", "queued", new() { Timeout = 30_000 });
        await DashboardSession.ScreenshotAsync(page, "job-retried");
        (await gateway.DeleteAsync($"/jobs/{waitingJob}")).EnsureSuccessStatusCode();
        (await gateway.PostAsync("/agents/ingestion/resume", null)).EnsureSuccessStatusCode();

        lock (session.Errors) Assert.True(session.Errors.Count == 0, string.Join("\n", session.Errors));
    }

    [Fact]
    public async Task The_symbol_page_draws_a_year_of_daily_bars_quickly_and_loads_an_earlier_year_on_pan()
    {
        await using var session = await DashboardSession.StartAsync();
        // Two years of regular-session minutes, stored straight from MarketSim's ground truth (faster than a backfill).
        var today = NewYorkTime.DateOf(DateTimeOffset.UtcNow);
        var store = session.Stack.Gateway.Services.GetRequiredService<BarStore>();
        var symbol = Symbol.Parse("PERF");
        foreach (var day in NyseCalendar.GetTradingDays(today.AddYears(-2), today.AddDays(-1)))
        {
            var bars = session.Stack.Market.GetBars("PERF", "iex", BarInterval.OneMinute, day.OpenUtc, day.CloseUtc).ToList();
            await store.UpsertAsync(symbol, "iex", bars);
        }

        // A real year of daily bars on the first chart (the latest 260 sessions, from the stored minutes).
        var daily = (await ApiJsonAsync(session, "/bars/PERF?interval=1d&session=regular&limit=260")).GetProperty("bars");
        Assert.Equal(260, daily.GetArrayLength());
        Assert.True(daily[259].GetProperty("timestamp").GetDateTime() - daily[0].GetProperty("timestamp").GetDateTime() > TimeSpan.FromDays(360), "the daily bars span less than a year");

        // Right after the backfill (the aggregates not yet refreshed: daily bars from the minutes), then as the refresher leaves them.
        var page = await session.OpenAsync();
        var stale = await TimeChartAsync(page);
        await session.Stack.Gateway.Services.GetRequiredService<AggregateRefresher>().RefreshAsync(force: true);
        var refreshed = await TimeChartAsync(page);

        foreach (var (state, (first, earlier, minutes)) in new[] { ("before the refresh", stale), ("refreshed", refreshed) })
        {
            output.WriteLine($"symbol page, a year of daily bars, {state}: navigation to drawn chart p50 {Median(first):0} ms ({Runs(first)}); " +
                $"an earlier year on pan p50 {Median(earlier):0} ms ({Runs(earlier)}); 1m, latest sessions: navigation to drawn chart p50 {Median(minutes):0} ms ({Runs(minutes)}); " +
                "goals 1000 ms, 300 ms and 1000 ms");
            Console.WriteLine($"[dashboard timing] {state}: first chart p50 {Median(first):0} ms, earlier year p50 {Median(earlier):0} ms, 1m latest session p50 {Median(minutes):0} ms");
            // The goals (1 s, 300 ms) are measured and reported; asserted here only loosely, with room
            // for the other suites running beside this one on two cores (at a load of 50 the first
            // chart has measured 3.5 s p50, an earlier year 300 ms, the 1m chart 3 s).
            Assert.True(Median(first) < 10_000, $"{state}: the first chart took {Median(first):0} ms");
            Assert.True(Median(earlier) < 3000, $"{state}: an earlier year took {Median(earlier):0} ms");
            Assert.True(Median(minutes) < 10_000, $"{state}: the 1m chart took {Median(minutes):0} ms");
        }
        lock (session.Errors) Assert.True(session.Errors.Count == 0, string.Join("\n", session.Errors));
    }

    /// <summary>
    /// Presses Tab (or Shift+Tab) until the focused element <c>e</c> passes <paramref name="test"/>
    /// (a script expression), at most <paramref name="max"/> times; fails naming where the focus went.
    /// </summary>
    private static async Task TabToAsync(IPage page, string test, string what, bool backwards = false, int max = 80)
    {
        var went = new List<string>();
        for (var i = 0; i < max; i++)
        {
            await page.Keyboard.PressAsync(backwards ? "Shift+Tab" : "Tab");
            if (await page.EvaluateAsync<bool>($"() => {{ const e = document.activeElement; return !!e && e !== document.body && ({test}); }}")) return;
            went.Add(await page.EvaluateAsync<string>("() => { const e = document.activeElement; return e ? `${e.tagName}.${e.className}`.slice(0, 60) : '-'; }"));
        }
        Assert.Fail($"{what} was not reached with {(backwards ? "Shift+Tab" : "Tab")}; the focus went: {string.Join(" > ", went.Distinct())}");
    }

    /// <summary>Opens the focused select with Enter, moves to <paramref name="choice"/> with the arrow keys and picks it with Enter.</summary>
    /// <summary>
    /// Replaces the focused field's text by typing. Blazor Server answers every keystroke of a
    /// field bound as typed with a render, and on a loaded machine a render of an older value can
    /// land after later keystrokes and swallow them (a known limit of server-side inputs); so the
    /// text is typed again, by keyboard, until the field holds it, a bounded number of times.
    /// </summary>
    private static async Task TypeIntoFocusedAsync(IPage page, ILocator field, string text)
    {
        for (var attempt = 1; ; attempt++)
        {
            await page.Keyboard.PressAsync("Control+A");
            await page.Keyboard.TypeAsync(text);
            try
            {
                await Assertions.Expect(field).ToHaveValueAsync(text, new() { Timeout = attempt < 3 ? 3_000 : 10_000 });
                return;
            }
            catch (PlaywrightException) when (attempt < 3)
            {
            }
        }
    }

    private static async Task ChooseByKeyboardAsync(IPage page, string select, string choice)
    {
        // The list's keyboard handling is wired up by a server round trip after the popover opens, so an
        // arrow pressed at once can be lost; a choice that did not take is tried again (closed with
        // Escape, still by keyboard alone) a bounded number of times.
        var value = page.Locator($"{select} input");
        for (var attempt = 1; ; attempt++)
        {
            await page.Keyboard.PressAsync("Enter");
            var options = page.Locator(".mud-popover-open .mud-list-item");
            await Assertions.Expect(options.First).ToBeVisibleAsync();
            var texts = (await options.AllInnerTextsAsync()).Select(t => t.Trim()).ToList();
            var target = texts.IndexOf(choice);
            Assert.True(target >= 0, $"{choice} is not among {string.Join(", ", texts)}");
            var current = texts.IndexOf(await value.InputValueAsync());
            for (var i = current; i < target; i++) await page.Keyboard.PressAsync("ArrowDown");
            for (var i = current; i > target; i--) await page.Keyboard.PressAsync("ArrowUp");
            await page.Keyboard.PressAsync("Enter");
            try
            {
                await Assertions.Expect(value).ToHaveValueAsync(choice, new() { Timeout = attempt < 3 ? 2_000 : 5_000 });
                break;
            }
            catch (PlaywrightException) when (attempt < 3)
            {
                if (await page.Locator(".mud-popover-open .mud-list-item").CountAsync() > 0) await page.Keyboard.PressAsync("Escape");
            }
        }
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
    }

    /// <summary>The elements wider than the viewport, deepest first (for a failure message).</summary>
    private static Task<string> WidestAsync(IPage page) => page.EvaluateAsync<string>("""
        () => [...document.querySelectorAll('body *')]
          .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
          .slice(-6).map(e => `${e.tagName}.${e.className}`.slice(0, 80) + ` (${Math.round(e.getBoundingClientRect().right)} px)`).join('; ')
        """);

    /// <summary>
    /// Hovers the chart and checks the legend shows the hovered bar's numbers as the API wrote them:
    /// prices and VWAP digit for digit (less trailing zeros), volume and trades with separators.
    /// </summary>
    private static async Task AssertLegendShowsTheApisBarAsync(IPage page, DashboardSession session, string url, float? pixelX = null)
    {
        var daily = url.Contains("interval=1d", StringComparison.Ordinal);
        var bars = (await ApiJsonAsync(session, url)).GetProperty("bars").EnumerateArray().ToList();
        var box = (await page.Locator("#chart").BoundingBoxAsync())!;
        var legend = page.Locator(".bar-chart-legend");
        // Over a bar: 30% across (a few bars fill the left of the view), or where the caller says.
        await page.Mouse.MoveAsync(box.X + (pixelX ?? box.Width * 0.3f), box.Y + box.Height * 0.3f);
        await Assertions.Expect(legend).ToContainTextAsync(" O ");
        var text = await legend.TextContentAsync() ?? string.Empty;
        var label = daily ? text[..10] : text[..19];
        var bar = bars.SingleOrDefault(b => BarLabel(b, daily) == label);
        Assert.True(bar.ValueKind == JsonValueKind.Object, $"the legend '{text}' names no bar the API returned");
        var expected = $"{label}  O {Exact(bar, "open")}  H {Exact(bar, "high")}  L {Exact(bar, "low")}  C {Exact(bar, "close")}  " +
            $"V {bar.GetProperty("volume").GetInt64().ToString("N0", CultureInfo.InvariantCulture)}  VWAP {Exact(bar, "vwap")}  " +
            $"trades {bar.GetProperty("trade_count").GetInt64().ToString("N0", CultureInfo.InvariantCulture)}";
        Assert.Equal(expected, text);
    }

    // The chart's time label of an API bar: New York wall-clock time, as the script writes it.
    private static string BarLabel(JsonElement bar, bool daily)
    {
        var wall = NewYorkTime.FromUtc(bar.GetProperty("timestamp").GetDateTimeOffset());
        return daily ? wall.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : wall.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " ET";
    }

    // The API's own text of a number (not parsed), less trailing zeros after the point.
    private static string Exact(JsonElement bar, string field)
    {
        var raw = bar.GetProperty(field).GetRawText();
        return raw.Contains('.', StringComparison.Ordinal) ? raw.TrimEnd('0').TrimEnd('.') : raw;
    }

    /// <summary>
    /// After a visit of each to warm up, five times: navigation to the drawn daily chart, then a drag back
    /// in time until the year before is loaded and drawn; then five navigations straight to the 1m chart
    /// (Performance API times).
    /// </summary>
    private static async Task<(List<double> First, List<double> Earlier, List<double> Minutes)> TimeChartAsync(IPage page)
    {
        var firstChart = new List<double>();
        var earlierYear = new List<double>();
        var minuteChart = new List<double>();
        // One unmeasured visit of each first: the first ever pays for compiling the pages and queries.
        foreach (var path in new[] { "symbols/PERF", "symbols/PERF?interval=1m" })
        {
            await DashboardSession.GoAsync(page, path);
            await WaitForDrawAsync(page, draws: 1);
        }
        for (var run = 0; run < 5; run++)
        {
            await DashboardSession.GoAsync(page, "symbols/PERF");
            await WaitForDrawAsync(page, draws: 1);
            firstChart.Add(double.Parse(await page.Locator("#chart").GetAttributeAsync("data-drawn-at") ?? "0", CultureInfo.InvariantCulture));
            Assert.Equal(260, int.Parse(await page.Locator("#chart").GetAttributeAsync("data-bars") ?? "0", CultureInfo.InvariantCulture));

            // Drag the chart right and scroll back in time until the first bar comes near: the script loads the year before.
            var box = (await page.Locator("#chart").BoundingBoxAsync())!;
            await page.Mouse.MoveAsync(box.X + box.Width * 0.2f, box.Y + box.Height * 0.4f);
            await page.Mouse.DownAsync();
            await page.Mouse.MoveAsync(box.X + box.Width * 0.95f, box.Y + box.Height * 0.4f, new() { Steps = 10 });
            await page.Mouse.UpAsync();
            await page.Mouse.WheelAsync(-3000, 0);
            await WaitForDrawAsync(page, draws: 2);
            var bars = int.Parse(await page.Locator("#chart").GetAttributeAsync("data-bars") ?? "0", CultureInfo.InvariantCulture);
            // Two years are stored: the earlier page is the rest, close to a year of sessions.
            Assert.True(bars >= 260 + 200, $"panning back loaded {bars - 260} earlier bars, not a year");
            var startedAt = double.Parse(await page.Locator("#chart").GetAttributeAsync("data-load-started-at") ?? "0", CultureInfo.InvariantCulture);
            var drawnAt = double.Parse(await page.Locator("#chart").GetAttributeAsync("data-drawn-at") ?? "0", CultureInfo.InvariantCulture);
            earlierYear.Add(drawnAt - startedAt);
        }
        for (var run = 0; run < 5; run++)
        {
            await DashboardSession.GoAsync(page, "symbols/PERF?interval=1m");
            await WaitForDrawAsync(page, draws: 1);
            await Assertions.Expect(page.Locator("#chart")).ToHaveAttributeAsync("data-interval", "1m");
            minuteChart.Add(double.Parse(await page.Locator("#chart").GetAttributeAsync("data-drawn-at") ?? "0", CultureInfo.InvariantCulture));
            Assert.Equal(2000, int.Parse(await page.Locator("#chart").GetAttributeAsync("data-bars") ?? "0", CultureInfo.InvariantCulture));
        }
        return (firstChart, earlierYear, minuteChart);
    }

    private static string Runs(List<double> values) => "runs: " + string.Join(", ", values.Select(t => t.ToString("0", CultureInfo.InvariantCulture)));

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static async Task WaitForDrawAsync(IPage page, int draws)
    {
        try
        {
            await page.WaitForFunctionAsync($"() => Number(document.querySelector('#chart')?.dataset.draws || 0) >= {draws}", null, new() { Timeout = 60_000 });
        }
        catch (TimeoutException)
        {
            var state = await page.EvaluateAsync<string>("() => JSON.stringify(document.querySelector('#chart')?.dataset ?? null)");
            throw new TimeoutException($"the chart did not draw {draws} time(s) in 60 s; its state: {state}");
        }
    }

    /// <summary>Pixels of the chart's largest canvas that differ from its background.</summary>
    private static Task<int> PaintedPixelsAsync(IPage page) => page.EvaluateAsync<int>("""
        () => {
          const canvases = [...document.querySelectorAll('#chart canvas')];
          const c = canvases.reduce((a, b) => a.width * a.height >= b.width * b.height ? a : b);
          const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          const [r, g, b] = [data[0], data[1], data[2]];
          let painted = 0;
          for (let i = 0; i < data.length; i += 4)
            if (Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) > 30) painted++;
          return painted;
        }
        """);

    [Fact]
    public async Task Tracking_a_symbol_from_its_page_draws_its_minutes_on_the_chart_as_they_stream_in()
    {
        // MarketSim plays a trading morning at a minute a second; the live updater runs.
        await using var session = await DashboardSession.StartAsync(simSettings: new()
        {
            ["MarketSim:Stream:Speed"] = "60",
            ["MarketSim:Stream:Start"] = "2025-03-05T15:00:00Z",
        }, live: true);
        var page = await session.OpenAsync();
        // A symbol no other test streams: the test stacks share one broker, and tracking changes
        // are broadcast to every live updater on it.
        await DashboardSession.GoAsync(page, "symbols/AAPL");
        await page.Locator(".interval-switch button", new() { HasText = "1m" }).ClickAsync();
        await Assertions.Expect(page.Locator("#chart")).ToHaveAttributeAsync("data-interval", "1m");

        await page.Locator(".track-live input").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-chip", new() { HasText = "Live" })).ToBeVisibleAsync();
        // The session so far is filled in, then each new minute is appended as it arrives.
        await page.WaitForFunctionAsync("() => Number(document.querySelector('#chart')?.dataset.liveBars ?? 0) >= 5", null, new() { Timeout = 60_000 });
        var first = int.Parse(await page.Locator("#chart").GetAttributeAsync("data-live-bars") ?? "0", CultureInfo.InvariantCulture);
        await page.WaitForFunctionAsync($"() => Number(document.querySelector('#chart')?.dataset.liveBars ?? 0) > {first}", null, new() { Timeout = 10_000 });
        Assert.True(await PaintedPixelsAsync(page) > 500, "the live chart's canvas is blank");
        await DashboardSession.ScreenshotAsync(page, "symbol-live");

        await page.Locator(".track-live input").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-chip", new() { HasText = "Live" })).ToHaveCountAsync(0);
        lock (session.Errors) Assert.True(session.Errors.Count == 0, string.Join("\n", session.Errors));
    }

    [Fact]
    public async Task The_agents_page_pauses_and_resumes_an_agent_shows_a_killed_one_stalled_in_its_alert_colour_and_the_logs_page_the_warning()
    {
        await using var session = await DashboardSession.StartAsync(fastHeartbeats: true);
        var page = await session.OpenAsync();
        await DashboardSession.GoAsync(page, "agents");
        var ingestion = page.Locator("[data-testid=agent-card][data-agent=ingestion]");
        await Assertions.Expect(ingestion).ToHaveAttributeAsync("data-status", "ok", new() { Timeout = 30_000 });
        var okColour = await ingestion.Locator("[data-testid=agent-status]").EvaluateAsync<string>("chip => getComputedStyle(chip).backgroundColor");

        // Pause from the page: confirmed, stored, applied by the agent, shown.
        await page.Locator("[data-testid=agent-pause][data-agent=ingestion]").ClickAsync();
        await page.Locator(".mud-dialog button", new() { HasText = "Pause" }).ClickAsync();
        var group = page.Locator("[data-testid=agent-group][data-agent=ingestion]");
        await Assertions.Expect(group).ToHaveAttributeAsync("data-paused", "true");
        await Assertions.Expect(page.Locator("[data-testid=agent-paused-banner][data-agent=ingestion]")).ToBeVisibleAsync();
        await Assertions.Expect(ingestion.Locator("[data-testid=agent-state]")).ToHaveTextAsync("paused", new() { Timeout = 30_000 });
        await WaitForApiAsync(session, "/agents", json => json.GetProperty("controls").EnumerateArray()
            .Any(control => control.GetProperty("agent").GetString() == "ingestion" && control.GetProperty("paused").GetBoolean()));
        await DashboardSession.ScreenshotAsync(page, "agents-paused");

        await page.Locator("[data-testid=agent-resume][data-agent=ingestion]").ClickAsync();
        await Assertions.Expect(group).ToHaveAttributeAsync("data-paused", "false");
        await Assertions.Expect(ingestion.Locator("[data-testid=agent-state]")).Not.ToHaveTextAsync("paused", new() { Timeout = 30_000 });
        await WaitForApiAsync(session, "/agents", json => json.GetProperty("agents").EnumerateArray()
            .Any(agent => agent.GetProperty("agent").GetString() == "ingestion" && !agent.GetProperty("paused").GetBoolean()));

        // Killed: its card turns stalled, in the warning colour, and the alert bell counts it.
        session.Stack.Agent!.Kill();
        await Assertions.Expect(ingestion).ToHaveAttributeAsync("data-status", "stalled", new() { Timeout = 30_000 });
        var chip = ingestion.Locator("[data-testid=agent-status]");
        await Assertions.Expect(chip).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("agent-status-stalled"));
        await Assertions.Expect(chip).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-chip-color-warning"));
        Assert.NotEqual(okColour, await chip.EvaluateAsync<string>("chip => getComputedStyle(chip).backgroundColor"));
        await Assertions.Expect(page.Locator("[data-testid=alert-badge]")).ToHaveAttributeAsync("data-count", new System.Text.RegularExpressions.Regex("^[1-9]"), new() { Timeout = 30_000 });
        await DashboardSession.ScreenshotAsync(page, "agents-stalled");

        // The gateway's warning about it is in the central log store, and on the Logs page.
        await WaitForApiAsync(session, "/logs?agent=gateway&level=Warning&q=agent-stalled", json => json.GetProperty("logs").GetArrayLength() > 0);
        await DashboardSession.GoAsync(page, "logs?agent=gateway&level=Warning&q=agent-stalled");
        await Assertions.Expect(page.Locator("tr.log-row.log-level-warning").First).ToContainTextAsync("agent-stalled");
        await DashboardSession.ScreenshotAsync(page, "logs");
        lock (session.Errors) Assert.True(session.Errors.Count == 0, string.Join("\n", session.Errors));
    }

    [Fact]
    public async Task The_symbol_page_marks_a_dividend_switches_adjustment_and_shows_the_trades_and_quotes_tape_by_keyboard_and_on_a_phone()
    {
        await using var session = await DashboardSession.StartAsync();
        var page = await session.OpenAsync();

        // A symbol whose latest cash dividend (in MarketSim's schedule) went ex within the last year, and the session before it.
        var (symbol, exDate, rate) = await RecentDividendAsync(session);
        var before = NyseCalendar.GetTradingDays(exDate.AddDays(-10), exDate.AddDays(-1)).Last().Date;
        output.WriteLine($"{symbol}: cash dividend {rate} ex {exDate:yyyy-MM-dd}");

        // Bars, trades and quotes of the two sessions, queued from the Ingest page's checkboxes.
        await DashboardSession.GoAsync(page, $"ingest?symbols={symbol}&start={before:yyyy-MM-dd}&end={exDate:yyyy-MM-dd}");
        await Assertions.Expect(page.Locator(".data-bars input")).ToBeCheckedAsync();
        await page.Locator(".data-trades input").ClickAsync();
        await page.Locator(".data-quotes input").ClickAsync();
        await Assertions.Expect(page.Locator(".data-trades input")).ToBeCheckedAsync();
        await page.Locator("button.submit-ingest").ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/jobs/[0-9a-f-]{36}$"));
        await Assertions.Expect(page.Locator(".status-chip").First).ToHaveAttributeAsync("data-status", "succeeded", new() { Timeout = 180_000 });
        var jobId = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        await WaitForApiAsync(session, $"/jobs/{jobId}", json => json.GetProperty("data").EnumerateArray().Select(d => d.GetString()).SequenceEqual(["bars", "trades", "quotes"]));

        // No actions stored yet; the refresh fetches them and the dividend lands on its ex-date's bar.
        await DashboardSession.GoAsync(page, $"symbols/{symbol}");
        await WaitForDrawAsync(page, draws: 1);
        Assert.Equal("2", await page.Locator("#chart").GetAttributeAsync("data-bars"));
        await page.Locator("button.refresh-actions").ClickAsync();
        var marker = "Div $" + rate.ToString("0.00##", CultureInfo.InvariantCulture);
        await Assertions.Expect(page.Locator(".action-line", new() { HasText = $"{exDate:yyyy-MM-dd} · {marker}" })).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        await page.WaitForFunctionAsync($"() => (document.querySelector('#chart')?.dataset.markerText || '').split('|').includes({JsonSerializer.Serialize(marker)})",
            null, new() { Timeout = 30_000 });
        Assert.True(await PaintedPixelsAsync(page) > 500, "the chart's canvas is blank");
        await DashboardSession.ScreenshotAsync(page, "symbol-dividend");

        // Dividend-adjusted: the chart loads again, and the session before the ex-date is scaled down as the gateway says.
        var draws = int.Parse(await page.Locator("#chart").GetAttributeAsync("data-draws") ?? "0", CultureInfo.InvariantCulture);
        await page.Locator(".adjustment-switch button", new() { HasText = "Dividend" }).ClickAsync();
        await Assertions.Expect(page.Locator("#chart")).ToHaveAttributeAsync("data-adjustment", "dividend");
        await WaitForDrawAsync(page, draws: draws + 1);
        await Assertions.Expect(page.Locator(".adjustment-note")).ToHaveTextAsync("Adjusted for cash dividends");
        var raw = (await ApiJsonAsync(session, $"/bars/{symbol}?interval=1d&session=regular&limit=260&adjustment=raw")).GetProperty("bars");
        var adjusted = (await ApiJsonAsync(session, $"/bars/{symbol}?interval=1d&session=regular&limit=260&adjustment=dividend")).GetProperty("bars");
        Assert.True(adjusted[0].GetProperty("close").GetDecimal() < raw[0].GetProperty("close").GetDecimal(), "the session before the ex-date is not adjusted");
        // The hover legend shows the adjusted prices to their last digit, as the gateway computed them.
        await AssertLegendShowsTheApisBarAsync(page, session, $"/bars/{symbol}?interval=1d&session=regular&limit=260&adjustment=dividend", pixelX: 40);
        await DashboardSession.ScreenshotAsync(page, "symbol-dividend-adjusted");

        // The tape: the latest trades, newest first, to the microsecond; then the quotes with their spreads.
        var trades = (await ApiJsonAsync(session, $"/trades/{symbol}?limit=50&sort=desc")).GetProperty("trades");
        Assert.True(trades.GetArrayLength() > 0, "the backfill stored no trades");
        await Assertions.Expect(page.Locator(".tape-trades .trade-row")).ToHaveCountAsync(trades.GetArrayLength());
        await Assertions.Expect(page.Locator(".tape-trades .trade-row .tape-time").First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\s*\d{2}:\d{2}:\d{2}\.\d{6}\s*$"));
        var newest = NanoTime.Parse(trades[0].GetProperty("timestamp").GetString()!);
        await Assertions.Expect(page.Locator(".tape-trades .trade-row .tape-time").First)
            .ToHaveTextAsync(NewYorkTime.FromUtc(newest.Microsecond).ToString("HH:mm:ss.ffffff", CultureInfo.InvariantCulture));
        await page.Locator(".tape-tabs .mud-tab", new() { HasText = "Quotes" }).ClickAsync();
        await Assertions.Expect(page.Locator(".tape-quotes .quote-row").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".tape-quotes .quote-row .tape-bid").First).ToContainTextAsync("×");
        await DashboardSession.ScreenshotAsync(page, "symbol-tape");

        // Keyboard: the adjustment switch, the refresh, the tape's tabs and the tracking toggles are reached with Tab.
        await DashboardSession.GoAsync(page, $"symbols/{symbol}");
        var reached = new HashSet<string>();
        for (var i = 0; i < 60; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached.Add(await page.EvaluateAsync<string>(
                "() => { const e = document.activeElement.closest('.adjustment-switch, .refresh-actions, .tape-tabs, .track-trades, .track-quotes'); return e ? e.className : ''; }"));
        }
        foreach (var control in new[] { "adjustment-switch", "refresh-actions", "tape-tabs", "track-trades", "track-quotes" })
            Assert.Contains(reached, c => c.Contains(control, StringComparison.Ordinal));

        // Phone width: the controls wrap, the tape's rows become cards, nothing is wider than the screen.
        var phone = await session.OpenAsync(390, 844, phone: true);
        await DashboardSession.GoAsync(phone, $"symbols/{symbol}");
        await WaitForDrawAsync(phone, draws: 1);
        await Assertions.Expect(phone.Locator(".tape-trades .trade-row").First).ToBeVisibleAsync();
        Assert.True(await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), "the symbol page is wider than a phone");
        await DashboardSession.ScreenshotAsync(phone, "phone-symbol-tape");

        lock (session.Errors) Assert.True(session.Errors.Count == 0, string.Join("\n", session.Errors));
    }

    /// <summary>The latest cash dividend that went ex 8 to 300 days ago, from MarketSim's own corporate actions API, among a few liquid symbols.</summary>
    private static async Task<(string Symbol, DateOnly ExDate, decimal Rate)> RecentDividendAsync(DashboardSession session)
    {
        var today = NewYorkTime.DateOf(DateTimeOffset.UtcNow);
        using var http = new HttpClient { BaseAddress = new Uri(session.Stack.Sim.Urls.Single()) };
        http.DefaultRequestHeaders.Add("APCA-API-KEY-ID", PlatformStack.KeyId);
        http.DefaultRequestHeaders.Add("APCA-API-SECRET-KEY", PlatformStack.Secret);
        using var json = JsonDocument.Parse(await http.GetStringAsync(
            $"/v1/corporate-actions?symbols=SPY,QQQ,AAPL,MSFT,KO,JNJ,XOM,PG&types=cash_dividend&start={today.AddDays(-300):yyyy-MM-dd}&end={today.AddDays(-8):yyyy-MM-dd}&sort=desc"));
        var latest = json.RootElement.GetProperty("corporate_actions").GetProperty("cash_dividends").EnumerateArray()
            .Select(d => (Symbol: d.GetProperty("symbol").GetString()!, ExDate: DateOnly.ParseExact(d.GetProperty("ex_date").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                Rate: d.GetProperty("rate").GetDecimal()))
            .OrderByDescending(d => d.ExDate).First();
        return latest;
    }

    private static async Task<JsonElement> ApiJsonAsync(DashboardSession session, string url)
    {
        using var http = new HttpClient { BaseAddress = session.Gateway.Url };
        using var json = JsonDocument.Parse(await http.GetStringAsync(url));
        return json.RootElement.Clone();
    }

    // The agents work in the background: poll the gateway until the condition holds (a minute at most).
    private static async Task WaitForApiAsync(DashboardSession session, string url, Func<JsonElement, bool> condition)
    {
        using var http = new HttpClient { BaseAddress = session.Gateway.Url };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            using (var json = JsonDocument.Parse(await http.GetStringAsync(url)))
            {
                if (condition(json.RootElement)) return;
                if (DateTime.UtcNow > deadline) Assert.Fail($"{url} still answers {json.RootElement}");
            }
            await Task.Delay(250);
        }
    }

    private static async Task<int> ApiCountAsync(DashboardSession session, string url)
    {
        using var http = new HttpClient { BaseAddress = session.Gateway.Url };
        using var json = JsonDocument.Parse(await http.GetStringAsync(url));
        return json.RootElement.GetProperty("bars").GetArrayLength();
    }
}
