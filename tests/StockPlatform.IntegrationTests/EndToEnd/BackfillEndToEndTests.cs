using System.Globalization;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using StockPlatform.Contracts;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Testing;

namespace StockPlatform.IntegrationTests.EndToEnd;

/// <summary>
/// POST /ingest through RabbitMQ, the agent, MarketSim and PostgreSQL to GET /bars, with the
/// real servers of scripts/test.sh. Ground truth is MarketSim's own generator.
/// </summary>
public class BackfillEndToEndTests
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(120);

    // Two weeks with Thanksgiving (closed, 2024-11-28) and the early close the day after.
    private const string From = "2024-11-18";
    private const string To = "2024-11-29";

    private static DateTimeOffset NyStart(string date) => NewYorkTime.StartOfDay(DateOnly.Parse(date, CultureInfo.InvariantCulture));

    private static DateTimeOffset NyEnd(string date) => NewYorkTime.StartOfDay(DateOnly.Parse(date, CultureInfo.InvariantCulture).AddDays(1)).AddTicks(-1);


    [Fact]
    public async Task A_two_week_backfill_stores_exactly_the_bars_alpaca_serves_and_a_second_one_inserts_nothing()
    {
        await using var stack = await PlatformStack.StartAsync();

        var jobId = await stack.IngestAsync("SPY", From, To);
        var job = await stack.WaitForJobAsync(jobId, JobTimeout);

        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        var truth = stack.Market.GetBars("SPY", "iex", BarInterval.OneMinute, NyStart(From), NyEnd(To));
        var progress = job.GetProperty("progress");
        Assert.Equal(9, progress.GetProperty("sessions_total").GetInt32());
        Assert.Equal(9, progress.GetProperty("sessions_done").GetInt32());
        Assert.Equal(truth.Count, progress.GetProperty("bars_inserted").GetInt64());

        var stored = GatewayBars.Parse(await stack.Client.GetStringAsync($"/bars/SPY?interval=1m&start={From}&end={To}&limit=10000"));
        Assert.Equal(truth.Count, stored.Count);
        Assert.Equal(truth, stored);

        // Daily bars against an independent aggregation of the same minutes: 09:30 to the close.
        var daily = GatewayBars.Parse(await stack.Client.GetStringAsync($"/bars/SPY?interval=1d&start={From}&end={To}"));
        var expected = NyseCalendar.GetTradingDays(DateOnly.Parse(From, CultureInfo.InvariantCulture), DateOnly.Parse(To, CultureInfo.InvariantCulture))
            .Select(day => Aggregate(NewYorkTime.StartOfDay(day.Date), truth.Where(b => b.Timestamp >= day.OpenUtc && b.Timestamp < day.CloseUtc).ToList()))
            .ToList();
        Assert.Equal(expected, daily);
        Assert.DoesNotContain(daily, bar => bar.Timestamp == NewYorkTime.StartOfDay(new DateOnly(2024, 11, 28)));

        var again = await stack.WaitForJobAsync(await stack.IngestAsync("SPY", From, To), JobTimeout);
        Assert.Equal("succeeded", again.GetProperty("status").GetString());
        Assert.Equal(0, again.GetProperty("progress").GetProperty("bars_inserted").GetInt64());
        Assert.Equal(truth.Count, await stack.CountBarsAsync("SPY"));
    }

    [Fact]
    public async Task A_job_whose_agent_is_killed_midway_completes_after_a_restart_with_every_bar_once()
    {
        // Latency stretches the job so the kill lands while windows remain.
        await using var stack = await PlatformStack.StartAsync(new() { ["MarketSim:Faults:Latency"] = "00:00:00.400" }, windowDays: 7);
        const string start = "2024-01-02";
        const string end = "2024-03-29";

        var jobId = await stack.IngestAsync("QQQ", start, end);
        await stack.WaitForJobAsync(jobId, JobTimeout, job =>
            job.GetProperty("progress").GetProperty("sessions_done").GetInt32() > 0);
        stack.Agent!.Kill();
        var halfway = await stack.GetJobAsync(jobId);
        Assert.Equal("running", halfway.GetProperty("status").GetString());

        await stack.StartAgentAsync();
        var job = await stack.WaitForJobAsync(jobId, JobTimeout);

        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        var truth = stack.Market.GetBars("QQQ", "iex", BarInterval.OneMinute, NyStart(start), NyEnd(end));
        var stored = await stack.ReadMinutesAsync("QQQ", start, end);
        Assert.Equal(truth.Count, stored.Count);
        Assert.Equal(truth, stored);
        Assert.Equal(truth.Count, await stack.CountBarsAsync("QQQ"));
    }

    [Fact]
    public async Task The_same_task_message_consumed_twice_changes_nothing()
    {
        await using var stack = await PlatformStack.StartAsync();
        var jobId = await stack.IngestAsync("AAPL", "2024-11-18", "2024-11-22");
        var first = await stack.WaitForJobAsync(jobId, JobTimeout);
        var count = await stack.CountBarsAsync("AAPL");

        // Deliver every task of the job once more, as a broker redelivery would.
        var jobs = stack.Gateway.Services.GetRequiredService<StockPlatform.Storage.Jobs.JobStore>();
        var bus = stack.Gateway.Services.GetRequiredService<IBus>();
        foreach (var task in await jobs.GetTasksAsync(jobId))
            await bus.Publish(new BackfillWindow(jobId, task.Id, task.Symbol, task.Start, task.End, task.Feed));
        await Task.Delay(TimeSpan.FromSeconds(3));

        var second = await stack.GetJobAsync(jobId);
        Assert.Equal(first.GetProperty("progress").ToString(), second.GetProperty("progress").ToString());
        Assert.Equal("succeeded", second.GetProperty("status").GetString());
        Assert.Equal(count, await stack.CountBarsAsync("AAPL"));
    }

    [Fact]
    public async Task An_unknown_symbol_fails_the_job_with_alpaca_s_message()
    {
        await using var stack = await PlatformStack.StartAsync();

        var job = await stack.WaitForJobAsync(await stack.IngestAsync("INVALID", "2024-11-18", "2024-11-22"), JobTimeout);

        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Contains("invalid symbol: INVALID", job.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Bad_keys_fail_the_job_fast_without_a_retry_storm()
    {
        await using var stack = await PlatformStack.StartAsync(agentSecret: "not-the-secret");

        var started = DateTime.UtcNow;
        var job = await stack.WaitForJobAsync(await stack.IngestAsync("SPY", "2024-11-18", "2024-11-22"), JobTimeout);

        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Contains("ALPACA_KEY_ID", job.GetProperty("error").GetString());
        Assert.DoesNotContain("not-the-secret", job.GetProperty("error").GetString());
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20), "the failure took a retry storm's time");
    }

    [Fact]
    public async Task Asking_again_while_the_job_runs_returns_the_same_job()
    {
        await using var stack = await PlatformStack.StartAsync(new() { ["MarketSim:Faults:Latency"] = "00:00:00.500" });

        using var first = await stack.Client.PostAsync("/ingest/MSFT?start=2024-06-03&end=2024-08-30", null);
        using var second = await stack.Client.PostAsync("/ingest/msft?start=2024-06-03&end=2024-08-30", null);

        Assert.Equal(System.Net.HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, second.StatusCode);
        using var a = JsonDocument.Parse(await first.Content.ReadAsStringAsync());
        using var b = JsonDocument.Parse(await second.Content.ReadAsStringAsync());
        Assert.Equal(a.RootElement.GetProperty("job_id").GetGuid(), b.RootElement.GetProperty("job_id").GetGuid());
        Assert.Equal($"/jobs/{a.RootElement.GetProperty("job_id").GetGuid()}", first.Headers.Location?.ToString());
    }

    private static Bar Aggregate(DateTimeOffset label, List<Bar> minutes)
    {
        var volume = minutes.Sum(b => b.Volume);
        var vwap = volume > 0
            ? Math.Round(minutes.Sum(b => b.Vwap * b.Volume) / volume, 8, MidpointRounding.AwayFromZero)
            : Math.Round(minutes.Average(b => b.Vwap), 8, MidpointRounding.AwayFromZero);
        return new Bar(label, minutes[0].Open, minutes.Max(b => b.High), minutes.Min(b => b.Low), minutes[^1].Close,
            volume, minutes.Sum(b => b.TradeCount), vwap);
    }
}
