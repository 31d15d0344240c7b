using Bunit;
using MudBlazor.Services;
using StockPlatform.Frontend.Components.Shared;
using StockPlatform.Frontend.Display;
using StockPlatform.Frontend.Gateway;

namespace StockPlatform.Frontend.Tests;

public sealed class JobKindTests : BunitContext, IAsyncLifetime
{
    private static readonly DateTime Created = new(2026, 1, 9, 22, 0, 0, DateTimeKind.Utc);

    public JobKindTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();

    private static Job Job(string kind, string feed) =>
        new(Guid.NewGuid(), "SPY", ["SPY"], new(2016, 1, 4), new(2026, 1, 9), feed, "running", new JobProgress(1, 10, 0, 0, 0), null, Created, Created, kind);

    [Fact]
    public void A_feature_rebuild_reads_as_one_with_its_feature_set_rather_than_a_feed()
    {
        var row = Render<JobRow>(p => p.Add(x => x.Job, Job("feature-rebuild", "core:1")));

        Assert.Contains("feature set core v1", row.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("core:1", row.Markup, StringComparison.Ordinal);
        Assert.Equal("Feature rebuild", row.Find(".job-kind title").TextContent);
    }

    [Fact]
    public void A_corporate_actions_refresh_reads_as_one()
    {
        var row = Render<JobRow>(p => p.Add(x => x.Job, Job("corporate-actions", "iex")));

        Assert.Contains("splits and dividends", row.Markup, StringComparison.Ordinal);
        Assert.Equal("Corporate actions refresh", row.Find(".job-kind title").TextContent);
    }

    [Fact]
    public void A_backfill_of_trades_and_quotes_names_its_datasets_and_one_of_bars_only_its_feed()
    {
        Assert.Equal("feed iex · bars, trades, quotes", JobKindText.Source(Job("backfill", "iex") with { Data = ["bars", "trades", "quotes"] }));
        Assert.Equal("feed sip · quotes", JobKindText.Source(Job("backfill", "sip") with { Data = ["quotes"] }));
        Assert.Equal("feed iex", JobKindText.Source(Job("backfill", "iex") with { Data = ["bars"] }));
        Assert.Equal("feed iex", JobKindText.Source(Job("backfill", "iex")));
    }

    [Fact]
    public void Progress_counts_the_trades_and_quotes_stored_where_the_gateway_reports_them()
    {
        Assert.Equal("1,200 bars, 52,000 trades, 310,000 quotes",
            JobProgressText.Bars(new JobProgress(1, 2, 1200, 0, 0, new Dictionary<string, long> { ["bars"] = 1200, ["quotes"] = 310_000, ["trades"] = 52_000 })));
        Assert.Equal("1,200 bars, 3 corrected", JobProgressText.Bars(new JobProgress(1, 2, 1200, 3, 0)));
    }

    [Fact]
    public void A_job_reads_its_datasets_and_rows_per_dataset_from_the_gateways_json()
    {
        var id = Guid.NewGuid();
        var job = System.Text.Json.JsonSerializer.Deserialize<Job>(
            Fakes.GatewayJson.JobWith(id, "SPY", "backfill", "running", "\"bars\",\"trades\"", """{"bars":10,"trades":20,"quotes":0}"""), GatewayClient.Json)!;

        Assert.Equal(["bars", "trades"], job.Data);
        Assert.Equal(20, job.Progress.RowsInserted!["trades"]);
        Assert.Equal(id, job.JobId);
    }

    [Fact]
    public void A_backfill_still_names_its_feed()
    {
        var row = Render<JobRow>(p => p.Add(x => x.Job, Job("backfill", "iex")));

        Assert.Contains("feed iex", row.Markup, StringComparison.Ordinal);
        Assert.Equal("Backfill", row.Find(".job-kind title").TextContent);
    }
}
