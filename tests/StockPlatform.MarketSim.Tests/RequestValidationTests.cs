using System.Net;
using StockPlatform.MarketSim.Tests.Support;

namespace StockPlatform.MarketSim.Tests;

/// <summary>Keys and parameters are checked as Alpaca does, with its status codes and error bodies.</summary>
public class RequestValidationTests
{
    private const string Bars = "/v2/stocks/SPY/bars?timeframe=1Min&start=2024-03-08&end=2024-03-08";

    [Fact]
    public async Task Missing_keys_get_401_and_wrong_keys_get_403()
    {
        await using var sim = await SimHost.StartAsync();
        using var none = sim.CreateClient(null, null);
        using var keyOnly = sim.CreateClient(SimHost.KeyId, null);
        using var wrong = sim.CreateClient(SimHost.KeyId, "not-the-secret");

        foreach (var client in new[] { none, keyOnly })
        {
            var response = await SimHost.GetAsync(client, Bars);
            Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
            Assert.Equal("""{"code":40110000,"message":"request is not authorized"}""", response.Body);
        }
        var forbidden = await SimHost.GetAsync(wrong, Bars);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.Status);
        Assert.Equal("""{"message":"forbidden."}""", forbidden.Body);
    }

    [Fact]
    public async Task Without_configured_keys_any_non_empty_pair_is_accepted()
    {
        await using var sim = await SimHost.StartAsync(new() { ["MarketSim:KeyId"] = null, ["MarketSim:SecretKey"] = null });
        using var any = sim.CreateClient("whatever", "works");
        using var none = sim.CreateClient(null, null);

        Assert.Equal(HttpStatusCode.OK, (await SimHost.GetAsync(any, Bars)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SimHost.GetAsync(none, Bars)).Status);
    }

    [Theory]
    [InlineData("/v2/stocks/INVALID/bars?timeframe=1Min", "INVALID")]
    [InlineData("/v2/stocks/bars?symbols=SPY,INVALID&timeframe=1Min", "INVALID")]
    [InlineData("/v2/stocks/spy/bars?timeframe=1Min", "spy")]
    [InlineData("/v2/stocks/bars?symbols=SPY,TOOLONGSYMBOL1&timeframe=1Min", "TOOLONGSYMBOL1")]
    public async Task Invalid_symbols_get_400_with_alpaca_s_message(string url, string symbol)
    {
        await using var sim = await SimHost.StartAsync();

        var response = await sim.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal($$"""{"code":40010001,"message":"invalid symbol: {{symbol}}"}""", response.Body);
    }

    [Fact]
    public async Task The_invalid_symbols_are_configurable()
    {
        await using var sim = await SimHost.StartAsync(new() { ["MarketSim:InvalidSymbols:0"] = "DELISTED" });

        Assert.Equal(HttpStatusCode.BadRequest, (await sim.GetAsync("/v2/stocks/DELISTED/bars?timeframe=1Min")).Status);
        Assert.Equal(HttpStatusCode.OK, (await sim.GetAsync("/v2/stocks/INVALID/bars?timeframe=1Min")).Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1Week")]
    [InlineData("60Min")]
    [InlineData("0Min")]
    [InlineData("24Hour")]
    [InlineData("2Day")]
    [InlineData("1m")]
    [InlineData("5min")]
    public async Task Invalid_timeframes_get_422(string timeframe)
    {
        await using var sim = await SimHost.StartAsync();

        var response = await sim.GetAsync($"/v2/stocks/SPY/bars?timeframe={timeframe}");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        Assert.Equal("""{"code":42210000,"message":"invalid timeframe"}""", response.Body);
    }

    [Theory]
    [InlineData("1Min")]
    [InlineData("59T")]
    [InlineData("1Hour")]
    [InlineData("23H")]
    [InlineData("1Day")]
    [InlineData("1D")]
    public async Task Every_alpaca_timeframe_spelling_is_accepted(string timeframe)
    {
        await using var sim = await SimHost.StartAsync();

        var response = await sim.GetAsync($"/v2/stocks/SPY/bars?timeframe={timeframe}&start=2024-03-04&end=2024-03-08");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.True(response.Root.GetProperty("bars").GetArrayLength() > 0);
    }

    [Theory]
    [InlineData("start=yesterday", "invalid start")]
    [InlineData("start=2024-03-08T14:30:00", "invalid start")]
    [InlineData("end=2024-3-8", "invalid end")]
    [InlineData("start=2024-03-09&end=2024-03-08", "end should not be before start")]
    [InlineData("limit=0", "invalid limit")]
    [InlineData("limit=10001", "invalid limit")]
    [InlineData("limit=ten", "invalid limit")]
    [InlineData("sort=up", "invalid sort")]
    [InlineData("adjustment=none", "invalid adjustment")]
    public async Task Malformed_parameters_get_422_with_a_clear_message(string parameters, string message)
    {
        await using var sim = await SimHost.StartAsync();

        var response = await sim.GetAsync($"/v2/stocks/SPY/bars?timeframe=1Min&{parameters}");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        Assert.StartsWith(message, response.Root.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("2024-03-08T14:30:00Z")]
    [InlineData("2024-03-08T14:30:00.123456789Z")]
    [InlineData("2024-03-08T09:30:00-05:00")]
    [InlineData("2024-03-08T14:30:00.0000000Z")]
    public async Task Rfc3339_times_in_every_form_are_accepted(string start)
    {
        await using var sim = await SimHost.StartAsync();

        var response = await sim.GetAsync($"/v2/stocks/SPY/bars?timeframe=1Min&start={Uri.EscapeDataString(start)}&end=2024-03-08T14:31:00Z");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("2024-03-08T14:31:00Z", response.Root.GetProperty("bars").EnumerateArray().Last().GetProperty("t").GetString());
    }

    [Fact]
    public async Task Feeds_outside_the_allowed_list_are_refused()
    {
        await using var sim = await SimHost.StartAsync(new() { ["MarketSim:Feeds:0"] = "iex" });

        var sip = await sim.GetAsync($"{Bars}&feed=sip");
        var iex = await sim.GetAsync($"{Bars}&feed=iex");
        var byDefault = await sim.GetAsync(Bars);

        Assert.Equal(HttpStatusCode.BadRequest, sip.Status);
        Assert.Equal("invalid feed", sip.Root.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.OK, iex.Status);
        Assert.Equal(iex.Body, byDefault.Body); // without sip, the default feed is the allowed one
    }
}
