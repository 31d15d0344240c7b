using System.Net;
using System.Text.Json;
using StockPlatform.Testing;

namespace StockPlatform.IntegrationTests.EndToEnd;

/// <summary>
/// The job engine through the gateway, RabbitMQ, the agent and MarketSim: every job ends (failed
/// windows after bounded attempts, with the reason), cancel and retry.
/// </summary>
public class JobEngineEndToEndTests
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(180);

    private const string From = "2024-11-18", To = "2024-11-22";

    [Fact]
    public async Task Each_fault_mode_fails_its_job_in_bounded_time_with_the_reason_while_the_other_symbols_succeed_exactly()
    {
        await using var stack = await PlatformStack.StartAsync(new()
        {
            // Only the window holding the date fails for the dated faults; the others store their bars.
            ["MarketSim:Faults:Symbols:AAPL"] = "500@2024-11-20",
            ["MarketSim:Faults:Symbols:MSFT"] = "403",
            ["MarketSim:Faults:Symbols:NVDA"] = "422",
            ["MarketSim:Faults:Symbols:AMZN"] = "malformed@2024-11-21",
        }, windowDays: 2);

        var started = DateTime.UtcNow;
        var ids = new Dictionary<string, Guid>();
        foreach (var symbol in new[] { "AAPL", "MSFT", "NVDA", "AMZN", "SPY" }) ids[symbol] = await stack.IngestAsync(symbol, From, To);
        var jobs = new Dictionary<string, JsonElement>();
        foreach (var (symbol, id) in ids) jobs[symbol] = await stack.WaitForJobAsync(id, JobTimeout);
        var elapsed = DateTime.UtcNow - started;

        AssertFailed(jobs["AAPL"], windows: 1, "AAPL 2024-11-20..2024-11-21", "Alpaca kept failing (500");
        AssertFailed(jobs["MSFT"], windows: 3, "MSFT", "403");
        AssertFailed(jobs["NVDA"], windows: 3, "NVDA", "422");
        AssertFailed(jobs["AMZN"], windows: 1, "AMZN 2024-11-20..2024-11-21", "is invalid");
        Assert.Equal("succeeded", jobs["SPY"].GetProperty("status").GetString());
        // Bounded, not a retry forever. The persistent 500 is the slowest: the client retries each
        // request 8 times (here 0.2 s doubling to 2 s, about 10 s a request); the first attempt asks up to
        // three times (shared with the other symbols, AAPL alone, the window alone), the other four
        // once each after a back-off of 1, 2, 4 and 8 s: about 70 s of requests and 15 s of back-off.
        Assert.True(elapsed < TimeSpan.FromSeconds(150), $"the jobs took {elapsed.TotalSeconds:0} s to end");

        // What the other windows stored stays, exactly as MarketSim serves it.
        Assert.Equal(stack.MarketMinutes("SPY", From, To), await stack.ReadMinutesAsync("SPY", From, To));
        var aapl = await stack.ReadMinutesAsync("AAPL", From, To);
        Assert.Equal(
            stack.MarketMinutes("AAPL", "2024-11-18", "2024-11-19").Concat(stack.MarketMinutes("AAPL", "2024-11-22", "2024-11-22")),
            aapl);
        Assert.Equal(0, await stack.CountBarsAsync("MSFT"));

        // Window by window: AAPL's failed window says why, in its own row; the others are done.
        var aaplWindows = await stack.GetJsonAsync($"/jobs/{ids["AAPL"]}/windows");
        var rows = aaplWindows.GetProperty("windows").EnumerateArray().ToList();
        Assert.Equal(3, rows.Count);
        Assert.Equal(["done", "failed", "done"], rows.Select(w => w.GetProperty("status").GetString()));
        Assert.Equal("2024-11-20", rows[1].GetProperty("start").GetString());
        Assert.Contains("500", rows[1].GetProperty("error").GetString());
        Assert.True(rows[1].GetProperty("attempts").GetInt32() > 1);
        Assert.Equal(JsonValueKind.Null, rows[0].GetProperty("error").ValueKind);
    }

    [Fact]
    public async Task A_cancelled_job_stops_keeps_its_bars_and_a_retry_finishes_it_exactly()
    {
        // Latency stretches the job so the cancel lands while windows remain.
        await using var stack = await PlatformStack.StartAsync(new() { ["MarketSim:Faults:Latency"] = "00:00:00.300" }, windowDays: 7);
        const string start = "2024-01-02", end = "2024-03-29";
        var id = await stack.IngestAsync("QQQ", start, end);
        await stack.WaitForJobAsync(id, JobTimeout, job => job.GetProperty("progress").GetProperty("sessions_done").GetInt32() > 0);

        using (var cancel = await stack.Client.DeleteAsync($"/jobs/{id}"))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }
        var cancelled = await stack.GetJobAsync(id);
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        await Task.Delay(TimeSpan.FromSeconds(2)); // running windows stop at their next page
        var stopped = await stack.CountBarsAsync("QQQ");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(stopped, await stack.CountBarsAsync("QQQ"));
        Assert.True(stopped > 0);
        using (var again = await stack.Client.DeleteAsync($"/jobs/{id}"))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode); // still cancelled: nothing changes
        }

        using (var retry = await stack.Client.PostAsync($"/jobs/{id}/retry", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        }
        var finished = await stack.WaitForJobAsync(id, JobTimeout);
        Assert.Equal("succeeded", finished.GetProperty("status").GetString());
        Assert.Equal(stack.MarketMinutes("QQQ", start, end), await stack.ReadMinutesAsync("QQQ", start, end));

        using var late = await stack.Client.DeleteAsync($"/jobs/{id}");
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        using var nothing = await stack.Client.PostAsync($"/jobs/{id}/retry", null);
        Assert.Equal(HttpStatusCode.Conflict, nothing.StatusCode);
        using var unknown = await stack.Client.DeleteAsync($"/jobs/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Two_agents_share_multi_symbol_jobs_fetching_each_page_once_and_one_killed_midway_is_taken_over_exactly()
    {
        var log = new RequestLog();
        await using var stack = await PlatformStack.StartAsync(new() { ["MarketSim:Faults:Latency"] = "00:00:00.150" }, windowDays: 7, requestLog: log,
            agentSettings: new()
            {
                // Small pages make many of them; small batches spread the windows over both agents.
                ["Alpaca__PageSize"] = "1000",
                ["Ingestion__BatchSize"] = "8",
            });
        var other = await stack.StartExtraAgentAsync();
        string[] symbols = ["SPY", "QQQ", "AAPL", "MSFT", "NVDA", "AMZN"];

        // Both agents at work: every page requested once.
        const string from = "2024-01-02", to = "2024-01-31";
        var first = await stack.WaitForJobAsync(await stack.StartJobAsync(symbols, from, to), JobTimeout);
        Assert.Equal("succeeded", first.GetProperty("status").GetString());
        Assert.Equal(symbols, first.GetProperty("symbols").EnumerateArray().Select(s => s.GetString()));
        foreach (var symbol in symbols) Assert.Equal(stack.MarketMinutes(symbol, from, to), await stack.ReadMinutesAsync(symbol, from, to));
        var pages = log.BarPages;
        // A page asked twice while both agents live is a window run twice (a lease lapsed) or a
        // request split after a failure: the agents' own lines say which.
        var twice = pages.GroupBy(url => url).Where(same => same.Count() > 1).Select(same => same.Key).ToList();
        Assert.True(twice.Count == 0, $"pages asked twice: {string.Join(", ", twice)}\nagent 1:\n{Faults(stack.Agent!)}\nagent 2:\n{Faults(other)}");
        Assert.Contains(pages, url => url.StartsWith("/v2/stocks/bars?symbols=", StringComparison.Ordinal)); // pages shared across symbols
        Assert.True(ClaimedAny(stack.Agent!), stack.Agent!.Tail());
        Assert.True(ClaimedAny(other), other.Tail());
        var bars = symbols.Sum(symbol => stack.MarketMinutes(symbol, from, to).Count);
        Assert.InRange(pages.Count, (bars + 999) / 1000, (int)Math.Ceiling(bars / 1000.0 * 1.5));

        // One agent killed mid-job: its windows' leases lapse and the other finishes them, exactly.
        const string later = "2024-02-01", last = "2024-03-28";
        var id = await stack.StartJobAsync(symbols, later, last);
        await stack.WaitForJobAsync(id, JobTimeout, job => job.GetProperty("progress").GetProperty("sessions_done").GetInt32() > 20);
        stack.Agent.Kill();
        var job = await stack.WaitForJobAsync(id, JobTimeout);

        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        foreach (var symbol in symbols)
        {
            var truth = stack.MarketMinutes(symbol, later, last);
            Assert.Equal(truth, await stack.ReadMinutesAsync(symbol, later, last));
        }
        foreach (var symbol in symbols) Assert.Equal(stack.MarketMinutes(symbol, from, last).Count, await stack.CountBarsAsync(symbol)); // every bar once
        Assert.Equal(job.GetProperty("progress").GetProperty("sessions_total").GetInt32(), job.GetProperty("progress").GetProperty("sessions_done").GetInt32());
    }

    // An agent's lines about its batches, failed or stopped requests, windows lost or handed back, warnings and errors.
    private static string Faults(ServiceProcess agent) => string.Join('\n', agent.Output
        .Where(line => System.Text.RegularExpressions.Regex.IsMatch(line, "fail|stops|ours|unfetched|goes back|Batch of|lease|retr|warn|error", System.Text.RegularExpressions.RegexOptions.IgnoreCase))
        .TakeLast(60));

    /// <summary>True when the agent's log says it claimed windows of a batch.</summary>
    private static bool ClaimedAny(ServiceProcess agent) =>
        agent.Output.Any(line => System.Text.RegularExpressions.Regex.Match(line, @"windows: (\d+) claimed") is { Success: true } match && match.Groups[1].Value != "0");

    private static void AssertFailed(JsonElement job, int windows, string where, string reason)
    {
        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Equal(windows, job.GetProperty("progress").GetProperty("failed_windows").GetInt32());
        var error = job.GetProperty("error").GetString();
        Assert.Contains(where, error);
        Assert.Contains(reason, error);
        Assert.DoesNotContain(PlatformStack.Secret, error);
    }
}
