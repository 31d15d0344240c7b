using System.Diagnostics;
using System.Globalization;
using System.Net;
using StockPlatform.MarketSim.Tests.Support;

namespace StockPlatform.MarketSim.Tests;

/// <summary>The faults a chaos run switches on while MarketSim runs: bursts of 429s or 500s, and cut streams.</summary>
public class RuntimeFaultTests
{
    private const string Bars = "/v2/stocks/SPY/bars?timeframe=1Day&start=2024-03-04&end=2024-03-08";

    [Fact]
    public async Task A_429_burst_answers_every_request_with_a_spent_budget_until_its_end_and_then_requests_succeed()
    {
        await using var sim = await SimHost.StartAsync();
        sim.Faults.StartBurst(429, TimeSpan.FromSeconds(2));

        var limited = await sim.GetAsync(Bars);
        var again = await sim.GetAsync(Bars);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, again.Status);
        Assert.Equal("0", limited.Headers["X-RateLimit-Remaining"]);
        var reset = DateTimeOffset.FromUnixTimeSeconds(long.Parse(limited.Headers["X-RateLimit-Reset"], CultureInfo.InvariantCulture));
        Assert.InRange(reset - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(3.5));
        Assert.Equal(2, sim.Faults.BurstAnswers);

        var wait = reset - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(50);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        Assert.Equal(HttpStatusCode.OK, (await sim.GetAsync(Bars)).Status);
        Assert.Equal(2, sim.Faults.BurstAnswers);
    }

    [Fact]
    public async Task A_500_burst_fails_authenticated_requests_only_and_stopping_it_ends_it_at_once()
    {
        await using var sim = await SimHost.StartAsync();
        using var anonymous = sim.CreateClient(null, null);
        sim.Faults.StartBurst(500, TimeSpan.FromMinutes(1));

        Assert.Equal(HttpStatusCode.InternalServerError, (await sim.GetAsync(Bars)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SimHost.GetAsync(anonymous, Bars)).Status);

        sim.Faults.StopBurst();
        Assert.Equal(HttpStatusCode.OK, (await sim.GetAsync(Bars)).Status);
    }

    [Fact]
    public async Task Dropping_streams_cuts_every_authenticated_connection_without_a_close_frame()
    {
        await using var sim = await SimHost.StartAsync();
        await using var client = await StreamClient.ConnectAndAuthenticateAsync(sim.StreamUri("iex"));

        Assert.Equal(1, sim.Faults.DropStreams());

        Assert.False(await client.WaitForEndAsync(TimeSpan.FromSeconds(5)));
        // The hub forgets a cut session when its loop ends, a moment after the client sees the end.
        var forgotten = Stopwatch.StartNew();
        while (sim.Faults.DropStreams() != 0 && forgotten.Elapsed < TimeSpan.FromSeconds(5)) await Task.Delay(20);
        Assert.Equal(0, sim.Faults.DropStreams());
    }

    [Theory]
    [InlineData(503)]
    [InlineData(200)]
    public async Task A_burst_of_another_status_is_refused(int status)
    {
        await using var sim = await SimHost.StartAsync();
        Assert.Throws<ArgumentOutOfRangeException>(() => sim.Faults.StartBurst(status, TimeSpan.FromSeconds(1)));
    }
}
