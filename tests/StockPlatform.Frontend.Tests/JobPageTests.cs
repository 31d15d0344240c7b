using Bunit;
using StockPlatform.Frontend.Components.Pages;
using StockPlatform.Frontend.Tests.Fakes;

namespace StockPlatform.Frontend.Tests;

public sealed class JobPageTests : PageTestContext
{
    private static readonly Guid JobId = Guid.Parse("9a3e6c51-0b7d-4f28-8e1a-5c2d7f4b6a90");

    private static readonly string Running = GatewayJson.JobIn(JobId, "SPY", "running", sessionsDone: 5, sessionsTotal: 10);

    private static readonly string Cancelled = GatewayJson.JobIn(JobId, "SPY", "cancelled", sessionsDone: 5, sessionsTotal: 10);

    private static readonly string FirstWindowDone = GatewayJson.Window(0, "SPY", "2025-06-02", "2025-06-06", "done", attempts: 1, sessionsDone: 5);

    private static IReadOnlyList<AngleSharp.Dom.IElement> Buttons(IRenderedComponent<Bunit.Rendering.ContainerFragment> page, string css) => page.FindAll(css);

    private static void ClickInDialog(IRenderedComponent<Bunit.Rendering.ContainerFragment> page, string text) =>
        page.WaitForElement(".mud-dialog").QuerySelectorAll("button").Single(b => b.TextContent.Trim() == text).Click();

    [Fact]
    public void Cancel_asks_first_and_keeping_the_job_running_sends_nothing()
    {
        Gateway.On(HttpMethod.Get, $"/jobs/{JobId}", Running)
            .On(HttpMethod.Get, $"/jobs/{JobId}/windows", GatewayJson.Windows(JobId, FirstWindowDone,
                GatewayJson.Window(1, "SPY", "2025-06-09", "2025-06-13", "running", attempts: 1, sessionsDone: 0)));
        var page = RenderPage<JobPage>(("Id", JobId));
        page.WaitForElement("button.cancel-job");
        Assert.Empty(Buttons(page, "button.retry-job"));

        page.Find("button.cancel-job").Click();

        var dialog = page.WaitForElement(".mud-dialog");
        Assert.Contains("Cancel this job?", dialog.TextContent, StringComparison.Ordinal);
        Assert.Contains("The bars it stored stay", dialog.TextContent, StringComparison.Ordinal);
        ClickInDialog(page, "Keep running");
        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".mud-dialog")));
        Assert.Empty(Gateway.To(HttpMethod.Delete, $"/jobs/{JobId}"));
        Assert.Single(Buttons(page, "button.cancel-job"));
    }

    [Fact]
    public void Cancel_confirmed_deletes_the_job_with_the_api_key_and_then_offers_a_retry()
    {
        Gateway.On(HttpMethod.Get, $"/jobs/{JobId}", Running)
            .On(HttpMethod.Get, $"/jobs/{JobId}/windows", GatewayJson.Windows(JobId, FirstWindowDone))
            .On(HttpMethod.Delete, $"/jobs/{JobId}", Cancelled);
        var page = RenderPage<JobPage>(("Id", JobId));
        page.WaitForElement("button.cancel-job").Click();

        // The gateway answers the reload after the cancel with the cancelled job too.
        Gateway.On(HttpMethod.Get, $"/jobs/{JobId}", Cancelled);
        ClickInDialog(page, "Cancel job");

        page.WaitForAssertion(() => Assert.Equal(PageTestContext.ApiKey, Assert.Single(Gateway.To(HttpMethod.Delete, $"/jobs/{JobId}")).ApiKey));
        page.WaitForAssertion(() => Assert.Equal("cancelled", page.Find(".status-chip").GetAttribute("data-status")));
        Assert.Empty(Buttons(page, "button.cancel-job"));
        Assert.Single(Buttons(page, "button.retry-job"));
        page.WaitForAssertion(() => Assert.Contains("Job cancelled; what it stored stays", page.Markup, StringComparison.Ordinal));
    }

    [Fact]
    public void A_failed_window_shows_its_reason_and_retry_queues_the_unfinished_windows_again()
    {
        const string reason = "MarketSim answered 503 Service Unavailable three times";
        var failed = GatewayJson.JobIn(JobId, "SPY", "failed", sessionsDone: 5, sessionsTotal: 10, failedWindows: 1, error: "1 window failed after 3 attempts");
        Gateway.On(HttpMethod.Get, $"/jobs/{JobId}", failed)
            .On(HttpMethod.Get, $"/jobs/{JobId}/windows", GatewayJson.Windows(JobId, FirstWindowDone,
                GatewayJson.Window(1, "SPY", "2025-06-09", "2025-06-13", "failed", attempts: 3, sessionsDone: 0, error: reason)))
            .On(HttpMethod.Post, $"/jobs/{JobId}/retry", GatewayJson.JobIn(JobId, "SPY", "queued", sessionsDone: 5, sessionsTotal: 10));
        var page = RenderPage<JobPage>(("Id", JobId));

        var row = page.WaitForElement(".windows-table .window-row.window-failed");
        Assert.Equal(reason, row.QuerySelector(".window-error")!.TextContent.Trim());
        Assert.Equal("3", row.QuerySelectorAll("td").Single(td => td.GetAttribute("data-label") == "Attempts").TextContent.Trim());
        Assert.Equal("1 window failed after 3 attempts", page.Find(".job-error").TextContent.Trim());
        // The done window has no reason to show.
        Assert.Null(page.Find(".windows-table .window-row.window-done").QuerySelector(".window-error"));
        Assert.Empty(Buttons(page, "button.cancel-job"));

        page.Find("button.retry-job").Click();

        page.WaitForAssertion(() => Assert.Equal(PageTestContext.ApiKey, Assert.Single(Gateway.To(HttpMethod.Post, $"/jobs/{JobId}/retry")).ApiKey));
        page.WaitForAssertion(() => Assert.Contains("Unfinished windows queued again", page.Markup, StringComparison.Ordinal));
    }

    [Fact]
    public void A_refused_retry_says_why_and_leaves_the_job_as_it_was()
    {
        Gateway.On(HttpMethod.Get, $"/jobs/{JobId}", Cancelled)
            .On(HttpMethod.Get, $"/jobs/{JobId}/windows", GatewayJson.Windows(JobId, FirstWindowDone))
            .On(HttpMethod.Post, $"/jobs/{JobId}/retry",
                $$"""{"title":"Nothing to retry","status":409,"detail":"Another queued or running job covers the same symbol, range and feed as job {{JobId}}."}""",
                System.Net.HttpStatusCode.Conflict, "application/problem+json");
        var page = RenderPage<JobPage>(("Id", JobId));

        page.WaitForElement("button.retry-job").Click();

        page.WaitForAssertion(() => Assert.Contains("Nothing to retry: Another queued or running job covers the same symbol", page.Markup, StringComparison.Ordinal));
        Assert.Equal("cancelled", page.Find(".status-chip").GetAttribute("data-status"));
        Assert.Single(Buttons(page, "button.retry-job"));
    }
}
