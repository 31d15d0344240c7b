using System.Diagnostics;
using System.Globalization;
using System.Net;
using StockPlatform.MarketSim.Tests.Support;

namespace StockPlatform.MarketSim.Tests;

/// <summary>The request budget and the injected faults clients must cope with.</summary>
public class RateLimitAndFaultTests
{
    private const string Bars = "/v2/stocks/SPY/bars?timeframe=1Day&start=2024-03-04&end=2024-03-08";

    [Fact]
    public async Task The_request_after_the_budget_gets_429_with_headers_and_the_next_window_succeeds()
    {
        await using var sim = await SimHost.StartAsync(new()
        {
            ["MarketSim:RateLimit:RequestsPerWindow"] = "5",
            ["MarketSim:RateLimit:Window"] = "00:00:02",
        });

        var responses = new List<ApiResponse>();
        for (var i = 0; i < 6; i++) responses.Add(await sim.GetAsync(Bars));

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, 5), responses[..5].Select(r => r.Status));
        Assert.Equal(["4", "3", "2", "1", "0"], responses[..5].Select(r => r.Headers["X-RateLimit-Remaining"]));
        var limited = responses[5];
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.Equal("""{"code":42910000,"message":"rate limit exceeded"}""", limited.Body);
        Assert.Equal("5", limited.Headers["X-RateLimit-Limit"]);
        Assert.Equal("0", limited.Headers["X-RateLimit-Remaining"]);
        var reset = DateTimeOffset.FromUnixTimeSeconds(long.Parse(limited.Headers["X-RateLimit-Reset"], CultureInfo.InvariantCulture));
        Assert.InRange(reset - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(-1), TimeSpan.FromSeconds(3));

        // Task.Delay truncates to whole milliseconds; a little margin keeps it from landing just before the reset.
        var wait = reset - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(20);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        var later = await sim.GetAsync(Bars);
        Assert.True(later.Status == HttpStatusCode.OK, $"{later.Status} at {DateTimeOffset.UtcNow:O}, reset was {reset:O}, now {string.Join(";", later.Headers.Select(h => h.Key + "=" + h.Value))}");
        Assert.Equal("4", later.Headers["X-RateLimit-Remaining"]);
    }

    [Fact]
    public async Task Every_api_response_carries_the_rate_limit_headers_but_health_does_not()
    {
        await using var sim = await SimHost.StartAsync();
        using var anonymous = sim.CreateClient(null, null);

        var responses = new[]
        {
            await sim.GetAsync(Bars),
            await sim.GetAsync("/v2/stocks/bars?symbols=SPY&timeframe=7Min"),
            await sim.GetAsync("/v2/calendar?start=2024-01-01&end=2024-01-31"),
            await sim.GetAsync("/v1/corporate-actions?start=2024-01-01&end=2024-03-31"),
            await SimHost.GetAsync(anonymous, Bars),
        };
        var health = await SimHost.GetAsync(anonymous, "/health");

        Assert.All(responses, r =>
        {
            Assert.Equal("200", r.Headers["X-RateLimit-Limit"]);
            Assert.True(int.Parse(r.Headers["X-RateLimit-Remaining"], CultureInfo.InvariantCulture) < 200);
            Assert.True(long.Parse(r.Headers["X-RateLimit-Reset"], CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        });
        Assert.Equal(HttpStatusCode.OK, health.Status);
        Assert.False(health.Headers.ContainsKey("X-RateLimit-Limit"));
    }

    [Fact]
    public async Task An_error_rate_of_one_answers_every_request_with_500()
    {
        await using var sim = await SimHost.StartAsync(new() { ["MarketSim:Faults:ErrorRate"] = "1" });

        for (var i = 0; i < 3; i++)
        {
            var response = await sim.GetAsync(Bars);
            Assert.Equal(HttpStatusCode.InternalServerError, response.Status);
            Assert.Equal("""{"code":50010000,"message":"internal server error"}""", response.Body);
            Assert.True(response.Headers.ContainsKey("X-RateLimit-Remaining"));
        }
    }

    [Fact]
    public async Task Injected_errors_follow_the_same_pattern_for_the_same_seed()
    {
        var settings = new Dictionary<string, string?> { ["MarketSim:Faults:ErrorRate"] = "0.5" };
        await using var first = await SimHost.StartAsync(settings);
        await using var second = await SimHost.StartAsync(settings);

        var a = new List<HttpStatusCode>();
        var b = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            a.Add((await first.GetAsync(Bars)).Status);
            b.Add((await second.GetAsync(Bars)).Status);
        }

        Assert.Equal(a, b);
        Assert.Contains(HttpStatusCode.OK, a);
        Assert.Contains(HttpStatusCode.InternalServerError, a);
    }

    [Fact]
    public async Task Latency_is_added_to_every_api_response()
    {
        await using var sim = await SimHost.StartAsync(new() { ["MarketSim:Faults:Latency"] = "00:00:00.300" });
        await sim.GetAsync(Bars); // warm-up: the first request pays for start-up work

        var watch = Stopwatch.StartNew();
        var response = await sim.GetAsync(Bars);
        watch.Stop();

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(290), $"took {watch.Elapsed.TotalMilliseconds:0} ms");
    }

    [Theory]
    [InlineData("MarketSim:Faults:ErrorRate", "1.5", "ErrorRate")]
    [InlineData("MarketSim:Stream:Speed", "0", "Speed")]
    [InlineData("MarketSim:RateLimit:RequestsPerWindow", "0", "RequestsPerWindow")]
    [InlineData("MarketSim:LiquidSymbols:0", "not a symbol", "LiquidSymbols")]
    [InlineData("MarketSim:SecretKey", null, "KeyId")]
    public async Task Invalid_options_stop_the_start_with_the_setting_named(string key, string? value, string named)
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => SimHost.StartAsync(new() { [key] = value }));

        Assert.Contains(named, error.Message);
    }
}
