using System.Net;
using System.Net.WebSockets;
using StockPlatform.MarketSim.Tests.Support;

namespace StockPlatform.MarketSim.Tests;

/// <summary>The stream's control protocol: greeting, auth, subscriptions and its error codes (compare sample H).</summary>
public class StreamProtocolTests
{
    [Fact]
    public async Task Connect_auth_and_subscribe_follow_alpaca_s_flow_and_replies()
    {
        await using var sim = await SimHost.StartAsync();
        await using var client = await StreamClient.ConnectAsync(sim.StreamUri("iex"));

        Assert.Equal("""[{"T":"success","msg":"connected"}]""", await client.ReceiveTextAsync());
        await client.SendTextAsync($$"""{"action":"auth","key":"{{SimHost.KeyId}}","secret":"{{SimHost.SecretKey}}"}""");
        Assert.Equal("""[{"T":"success","msg":"authenticated"}]""", await client.ReceiveTextAsync());

        await client.SendTextAsync("""{"action":"subscribe","bars":["SPY","QQQ"],"quotes":["AAPL"],"dailyBars":["SPY"]}""");
        Assert.Equal(
            """[{"T":"subscription","trades":[],"quotes":["AAPL"],"bars":["SPY","QQQ"],"updatedBars":[],"dailyBars":["SPY"],"statuses":[],"lulds":[],"corrections":[],"cancelErrors":[]}]""",
            await client.ReceiveTextAsync());

        // Additive; trades bring corrections and cancel errors.
        await client.SendTextAsync("""{"action":"subscribe","bars":["AAPL","SPY"],"trades":["TSLA"],"updatedBars":["*"]}""");
        Assert.Equal(
            """[{"T":"subscription","trades":["TSLA"],"quotes":["AAPL"],"bars":["SPY","QQQ","AAPL"],"updatedBars":["*"],"dailyBars":["SPY"],"statuses":[],"lulds":[],"corrections":["TSLA"],"cancelErrors":["TSLA"]}]""",
            await client.ReceiveTextAsync());

        await client.SendTextAsync("""{"action":"unsubscribe","bars":["QQQ"],"trades":["TSLA"],"updatedBars":["*"]}""");
        Assert.Equal(
            """[{"T":"subscription","trades":[],"quotes":["AAPL"],"bars":["SPY","AAPL"],"updatedBars":[],"dailyBars":["SPY"],"statuses":[],"lulds":[],"corrections":[],"cancelErrors":[]}]""",
            await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Handshake_headers_authenticate_without_an_auth_message()
    {
        await using var sim = await SimHost.StartAsync();
        await using var client = await StreamClient.ConnectAsync(sim.StreamUri("sip"), (SimHost.KeyId, SimHost.SecretKey));

        Assert.Equal("""[{"T":"success","msg":"connected"}]""", await client.ReceiveTextAsync());
        Assert.Equal("""[{"T":"success","msg":"authenticated"}]""", await client.ReceiveTextAsync());

        await client.SendAsync(new { action = "auth", key = SimHost.KeyId, secret = SimHost.SecretKey });
        Assert.Equal("""[{"T":"error","code":403,"msg":"already authenticated"}]""", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Wrong_keys_get_402_auth_failed_and_the_connection_is_closed()
    {
        await using var sim = await SimHost.StartAsync();
        await using var client = await StreamClient.ConnectAsync(sim.StreamUri("iex"));
        await client.ReceiveTextAsync();

        await client.SendAsync(new { action = "auth", key = SimHost.KeyId, secret = "wrong" });

        Assert.Equal("""[{"T":"error","code":402,"msg":"auth failed"}]""", await client.ReceiveTextAsync());
        Assert.True(await client.WaitForEndAsync(TimeSpan.FromSeconds(5)), "expected a close frame");
    }

    [Fact]
    public async Task Subscribing_before_auth_gets_401_and_the_connection_stays_usable()
    {
        await using var sim = await SimHost.StartAsync();
        await using var client = await StreamClient.ConnectAsync(sim.StreamUri("iex"));
        await client.ReceiveTextAsync();

        await client.SendAsync(new { action = "subscribe", bars = new[] { "SPY" } });
        Assert.Equal("""[{"T":"error","code":401,"msg":"not authenticated"}]""", await client.ReceiveTextAsync());

        await client.SendAsync(new { action = "auth", key = SimHost.KeyId, secret = SimHost.SecretKey });
        Assert.Equal("""[{"T":"success","msg":"authenticated"}]""", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task A_second_connection_with_the_same_key_gets_406_until_the_first_one_leaves()
    {
        await using var sim = await SimHost.StartAsync();
        var first = await StreamClient.ConnectAndAuthenticateAsync(sim.StreamUri("iex"));

        await using (var second = await StreamClient.ConnectAsync(sim.StreamUri("iex")))
        {
            await second.ReceiveTextAsync();
            await second.SendAsync(new { action = "auth", key = SimHost.KeyId, secret = SimHost.SecretKey });
            Assert.Equal("""[{"T":"error","code":406,"msg":"connection limit exceeded"}]""", await second.ReceiveTextAsync());
            Assert.True(await second.WaitForEndAsync(TimeSpan.FromSeconds(5)));
        }

        // Another feed is another endpoint: its own connection is allowed.
        await using (await StreamClient.ConnectAndAuthenticateAsync(sim.StreamUri("sip")))
        {
        }

        await first.DisposeAsync();
        await RetryAsync(async () =>
        {
            await using var third = await StreamClient.ConnectAndAuthenticateAsync(sim.StreamUri("iex"));
        });
    }

    [Fact]
    public async Task Invalid_json_unknown_actions_and_bad_symbols_get_400_invalid_syntax()
    {
        await using var sim = await SimHost.StartAsync();
        await using var client = await StreamClient.ConnectAndAuthenticateAsync(sim.StreamUri("iex"));

        foreach (var message in new[] { "{not json", """{"action":"dance"}""", "[1,2]", """{"action":"subscribe","bars":"SPY"}""", """{"action":"subscribe","bars":["spy!"]}""" })
        {
            await client.SendTextAsync(message);
            Assert.Equal("""[{"T":"error","code":400,"msg":"invalid syntax"}]""", await client.ReceiveTextAsync());
        }
    }

    [Fact]
    public async Task Subscribing_past_the_symbol_limit_gets_405_and_changes_nothing()
    {
        await using var sim = await SimHost.StartAsync(new() { ["MarketSim:Stream:MaxSymbols"] = "3" });
        await using var client = await StreamClient.ConnectAndAuthenticateAsync(sim.StreamUri("iex"));

        await client.SendAsync(new { action = "subscribe", bars = new[] { "SPY", "QQQ" }, dailyBars = new[] { "SPY" } });
        Assert.Contains("\"bars\":[\"SPY\",\"QQQ\"]", await client.ReceiveTextAsync());

        await client.SendAsync(new { action = "subscribe", bars = new[] { "AAPL", "MSFT" } });
        Assert.Equal("""[{"T":"error","code":405,"msg":"symbol limit exceeded"}]""", await client.ReceiveTextAsync());

        await client.SendAsync(new { action = "subscribe", updatedBars = new[] { "QQQ" }, bars = new[] { "AAPL" } });
        Assert.Contains("\"bars\":[\"SPY\",\"QQQ\",\"AAPL\"],\"updatedBars\":[\"QQQ\"]", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task A_connection_that_does_not_authenticate_in_time_gets_404_and_is_closed()
    {
        await using var sim = await SimHost.StartAsync(new() { ["MarketSim:Stream:AuthTimeout"] = "00:00:00.500" });
        await using var client = await StreamClient.ConnectAsync(sim.StreamUri("iex"));
        await client.ReceiveTextAsync();

        Assert.Equal("""[{"T":"error","code":404,"msg":"auth timeout"}]""", await client.ReceiveTextAsync(TimeSpan.FromSeconds(5)));
        Assert.True(await client.WaitForEndAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_feed_the_account_may_not_use_gets_409_while_the_test_feed_is_always_open()
    {
        await using var sim = await SimHost.StartAsync(new() { ["MarketSim:Feeds:0"] = "iex" });

        await using (var sip = await StreamClient.ConnectAsync(sim.StreamUri("sip")))
        {
            await sip.ReceiveTextAsync();
            await sip.SendAsync(new { action = "auth", key = SimHost.KeyId, secret = SimHost.SecretKey });
            Assert.Equal("""[{"T":"error","code":409,"msg":"insufficient subscription"}]""", await sip.ReceiveTextAsync());
        }
        await using (await StreamClient.ConnectAndAuthenticateAsync(sim.StreamUri("test")))
        {
        }
    }

    [Fact]
    public async Task Unknown_stream_paths_are_not_found()
    {
        await using var sim = await SimHost.StartAsync();

        var error = await Assert.ThrowsAsync<WebSocketException>(() => StreamClient.ConnectAsync(sim.StreamUri("nasdaq")));

        Assert.Contains("404", error.Message);
        Assert.Equal(HttpStatusCode.NotFound, (await sim.GetAsync("/v2/nasdaq")).Status);
    }

    // The server releases a connection's slot when it sees the close; give it a moment.
    private static async Task RetryAsync(Func<Task> action)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await action();
                return;
            }
            catch (Exception) when (attempt < 20)
            {
                await Task.Delay(50);
            }
        }
    }
}
