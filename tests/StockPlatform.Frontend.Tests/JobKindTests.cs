using Bunit;
using MudBlazor.Services;
using StockPlatform.Frontend.Components.Shared;
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
    public void A_backfill_still_names_its_feed()
    {
        var row = Render<JobRow>(p => p.Add(x => x.Job, Job("backfill", "iex")));

        Assert.Contains("feed iex", row.Markup, StringComparison.Ordinal);
        Assert.Equal("Backfill", row.Find(".job-kind title").TextContent);
    }
}
