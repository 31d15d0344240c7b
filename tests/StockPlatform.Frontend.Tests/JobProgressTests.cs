using Bunit;
using MudBlazor.Services;
using StockPlatform.Frontend.Components.Shared;
using StockPlatform.Frontend.Display;
using StockPlatform.Frontend.Gateway;

namespace StockPlatform.Frontend.Tests;

public sealed class JobProgressTests : BunitContext, IAsyncLifetime
{
    private static readonly DateTime Created = new(2026, 11, 30, 14, 0, 0, DateTimeKind.Utc);

    public JobProgressTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    // MudBlazor's services dispose only asynchronously.
    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();

    private static Job Job(string status, int done, int total, long bars = 0, long corrected = 0, int failed = 0) =>
        new(Guid.NewGuid(), "SPY,QQQ", ["QQQ", "SPY"], new(2026, 1, 2), new(2026, 11, 27), "iex", status,
            new JobProgress(done, total, bars, corrected, failed), null, Created, Created);

    [Fact]
    public void Progress_reads_as_sessions_percent_bars_and_time_left_at_the_pace_so_far()
    {
        var job = Job("running", done: 100, total: 400, bars: 39_000, corrected: 12);

        var bar = Render<JobProgressBar>(p => p.Add(x => x.Job, job).Add(x => x.Now, Created.AddMinutes(2)));

        Assert.Equal("100 / 400 sessions (25 %)", bar.Find(".job-sessions").TextContent.Trim());
        Assert.Equal("39,000 bars, 12 corrected", bar.Find(".job-bars").TextContent.Trim());
        // 100 sessions in 2 minutes: 300 more take 6.
        Assert.Equal("about 6 min left", bar.Find(".job-eta").TextContent.Trim());
        Assert.Equal("25", bar.Find(".mud-progress-linear").GetAttribute("aria-valuenow"));
    }

    [Theory]
    [InlineData("queued", 0, 0, 0, "planning", "")]
    [InlineData("running", 10, 11, 30, "10 / 11 sessions", "about 3 s left")]
    [InlineData("running", 1, 200, 60 * 30, "1 / 200 sessions", "about 99 h 30 min left")]
    [InlineData("succeeded", 40, 40, 90, "40 / 40 sessions", "")]
    [InlineData("failed", 20, 40, 90, "20 / 40 sessions", "")]
    public void Sessions_and_estimate_follow_the_state(string status, int done, int total, int elapsedSeconds, string sessions, string eta)
    {
        var job = Job(status, done, total);
        var now = Created.AddSeconds(elapsedSeconds);

        Assert.Equal(sessions, JobProgressText.Sessions(job.Progress));
        Assert.Equal(eta, JobProgressText.RemainingText(job, now));
    }

    [Fact]
    public void A_succeeded_job_is_full_and_a_failed_one_says_how_many_windows_failed()
    {
        Assert.Equal(100, JobProgressText.Percent(Job("succeeded", 0, 0)));
        Assert.Equal(0, JobProgressText.Percent(Job("queued", 0, 0)));

        var failed = Render<JobProgressBar>(p => p.Add(x => x.Job, Job("failed", 20, 40, failed: 2)));

        Assert.Contains("2 failed window(s)", failed.Markup, StringComparison.Ordinal);
        Assert.Equal(MudBlazor.Color.Error, JobProgressText.StatusColor("failed"));
        Assert.Equal(MudBlazor.Color.Success, JobProgressText.StatusColor("succeeded"));
    }
}
