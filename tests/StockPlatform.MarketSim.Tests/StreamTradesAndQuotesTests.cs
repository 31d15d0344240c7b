using System.Text.Json;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketSim.Options;
using StockPlatform.MarketSim.Tests.Support;

namespace StockPlatform.MarketSim.Tests;

/// <summary>
/// The <c>trades</c> and <c>quotes</c> channels stream every trade and quote once as the simulated
/// clock (60x here) passes its time, batched into frames, alongside the bars.
/// </summary>
public class StreamTradesAndQuotesTests
{
    private static Dictionary<string, string?> FastClock(string start) =>
        new() { ["MarketSim:Stream:Speed"] = "60", ["MarketSim:Stream:Start"] = start };

    [Fact]
    public async Task Trades_and_quotes_arrive_as_the_clock_passes_them_and_equal_the_rest_rows()
    {
        var start = new DateTimeOffset(2024, 3, 8, 14, 35, 0, TimeSpan.Zero);
        var time = new HeldTimeProvider();
        await using var sim = await SimHost.StartAsync(FastClock("2024-03-08T14:35:00Z"), time);
        await using var client = await StreamClient.ConnectAndAuthenticateAsync(sim.StreamUri("sip"));
        await client.SendAsync(new { action = "subscribe", trades = new[] { "SPY", "AAPL" }, quotes = new[] { "SPY" }, bars = new[] { "SPY" } });
        Assert.Equal(
            """[{"T":"subscription","trades":["SPY","AAPL"],"quotes":["SPY"],"bars":["SPY"],"updatedBars":[],"dailyBars":[],"statuses":[],"lulds":[],"corrections":["SPY","AAPL"],"cancelErrors":["SPY","AAPL"]}]""",
            await client.ReceiveTextAsync());
        time.Release();

        // A little over one simulated minute: the 14:35 bar comes at the 14:36 mark.
        var frames = new List<JsonElement[]>();
        while (!frames.Any(f => f[0].Type() == "b")) frames.Add(await client.ReceiveFrameAsync(TimeSpan.FromSeconds(5)));
        // Then trades past the minute (on a loaded machine the tape's rounds may trail the bar's mark).
        var minuteLater = NanoTime.From(start.AddMinutes(1));
        while (!frames.Any(f => f[0].Type() == "t" && f.Any(m => ReadStreamTrade(m).Time > minuteLater)))
            frames.Add(await client.ReceiveFrameAsync(TimeSpan.FromSeconds(5)));

        Assert.All(frames, f => Assert.All(f, m => Assert.Equal(f[0].Type(), m.Type())));
        var tradeMessages = frames.Where(f => f[0].Type() == "t").SelectMany(f => f).ToList();
        var quoteMessages = frames.Where(f => f[0].Type() == "q").SelectMany(f => f).ToList();
        Assert.Contains(frames, f => f[0].Type() == "t" && f.Length > 1); // batched
        Assert.All(tradeMessages, m => Assert.Equal(["T", "S", "i", "x", "p", "s", "t", "c", "z"], m.EnumerateObject().Select(p => p.Name)));
        Assert.All(quoteMessages, m => Assert.Equal(["T", "S", "bx", "bp", "bs", "ax", "ap", "as", "t", "c", "z"], m.EnumerateObject().Select(p => p.Name)));
        Assert.Equal(new DateTimeOffset(2024, 3, 8, 14, 35, 0, TimeSpan.Zero), AlpacaJsonReader.ReadBar(frames.First(f => f[0].Type() == "b")[0]).Timestamp);

        // Windows follow one another: everything up to the latest streamed time came, once, in order.
        var trades = tradeMessages.Select(m => (Symbol: m.Symbol(), Trade: ReadStreamTrade(m))).ToList();
        var quotes = quoteMessages.Select(m => (Symbol: m.Symbol(), Quote: ReadStreamQuote(m))).ToList();
        Assert.All(trades.Zip(trades.Skip(1)), p => Assert.True(p.First.Trade.Time <= p.Second.Trade.Time));
        var lastTrade = trades.Max(t => t.Trade.Time);
        var lastQuote = quotes.Max(q => q.Quote.Time);
        Assert.True(lastTrade > minuteLater, $"trades only up to {lastTrade}");
        foreach (var symbol in new[] { "SPY", "AAPL" })
        {
            var expected = sim.Market.GetTrades(symbol, "sip", start, start.AddMinutes(5)).Where(t => t.Time > NanoTime.From(start) && t.Time <= lastTrade);
            Assert.Equal(expected, trades.Where(t => t.Symbol == symbol).Select(t => t.Trade));
        }
        var expectedQuotes = sim.Market.GetQuotes("SPY", "sip", start, start.AddMinutes(5)).Where(q => q.Time > NanoTime.From(start) && q.Time <= lastQuote);
        Assert.Equal(expectedQuotes, quotes.Select(q => q.Quote));
        Assert.All(quotes, q => Assert.Equal("SPY", q.Symbol));
    }

    [Fact]
    public async Task The_iex_stream_sends_iex_trades_for_the_wildcard_and_nothing_once_unsubscribed()
    {
        var time = new HeldTimeProvider();
        await using var sim = await SimHost.StartAsync(FastClock("2024-03-08T15:00:00Z"), time);
        await using var client = await StreamClient.ConnectAndAuthenticateAsync(sim.StreamUri("iex"));
        await client.SendAsync(new { action = "subscribe", trades = new[] { "*" } });
        await client.ReceiveFrameAsync();
        time.Release();

        var messages = await client.CollectAsync(m => m.Select(x => x.Symbol()).Distinct().Count() >= 3, TimeSpan.FromSeconds(10));

        Assert.All(messages, m =>
        {
            Assert.Equal("t", m.Type());
            Assert.Equal("V", m.GetProperty("x").GetString());
            Assert.Contains(m.Symbol(), MarketSimOptions.DefaultLiquidSymbols);
        });
        var first = messages[0];
        var trade = ReadStreamTrade(first);
        Assert.Contains(trade, sim.Market.GetTrades(first.Symbol(), "iex", trade.Time.Microsecond.AddMinutes(-1), trade.Time.Microsecond.AddMinutes(1)));

        await client.SendAsync(new { action = "unsubscribe", trades = new[] { "*" } });
        await ReceiveUntilSubscriptionAsync(client);
        // A round that read the subscriptions just before the change may still send after the
        // reply; a second reply, well after it, marks the point from which the stream is silent.
        await Task.Delay(500);
        await client.SendAsync(new { action = "subscribe", statuses = new[] { "SPY" } });
        await ReceiveUntilSubscriptionAsync(client);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ReceiveFrameAsync(TimeSpan.FromSeconds(1.5)));
    }

    private static async Task ReceiveUntilSubscriptionAsync(StreamClient client)
    {
        for (var i = 0; i < 100; i++)
        {
            if ((await client.ReceiveFrameAsync(TimeSpan.FromSeconds(5)))[0].Type() == "subscription") return;
        }
        Assert.Fail("no subscription reply");
    }

    private static Trade ReadStreamTrade(JsonElement m) => new(
        NanoTime.Parse(m.GetProperty("t").GetString()!), m.GetProperty("i").GetInt64(), m.GetProperty("x").GetString()!,
        m.GetProperty("p").GetDecimal(), m.GetProperty("s").GetInt64(),
        m.GetProperty("c").EnumerateArray().Select(c => c.GetString()!).ToArray(), m.GetProperty("z").GetString()!);

    private static Quote ReadStreamQuote(JsonElement m) => new(
        NanoTime.Parse(m.GetProperty("t").GetString()!),
        m.GetProperty("bx").GetString()!, m.GetProperty("bp").GetDecimal(), m.GetProperty("bs").GetInt64(),
        m.GetProperty("ax").GetString()!, m.GetProperty("ap").GetDecimal(), m.GetProperty("as").GetInt64(),
        m.GetProperty("c").EnumerateArray().Select(c => c.GetString()!).ToArray(), m.GetProperty("z").GetString()!);
}
