using System.Diagnostics;
using System.Text.Json;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketSim.Data;
using StockPlatform.MarketSim.Options;
using StockPlatform.MarketSim.Tests.Support;

namespace StockPlatform.MarketSim.Tests;

/// <summary>
/// Bars on the stream follow the simulated clock (60x: one simulated minute per real second) and
/// match what REST serves.
/// </summary>
/// <remarks>
/// The stream sends a minute's bars once, at the mark, to the connections subscribed by then; it
/// never replays. The tests that expect a particular minute therefore hold the simulated clock at
/// its start (<see cref="HeldTimeProvider"/>) until they have subscribed: otherwise a slow start-up
/// (a loaded machine in a full run) lets the clock pass that minute's mark before the
/// subscription, and the first frame holds a later minute.
/// </remarks>
public class StreamDataTests
{
    private static readonly SyntheticMarket Market = new(MarketSimOptions.DefaultSeed, MarketSimOptions.DefaultLiquidSymbols);

    private static Dictionary<string, string?> FastClock(string start, Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?> { ["MarketSim:Stream:Speed"] = "60", ["MarketSim:Stream:Start"] = start };
        foreach (var (key, value) in more ?? []) settings[key] = value;
        return settings;
    }

    [Fact]
    public async Task Minute_and_daily_bars_arrive_after_each_minute_mark_and_equal_the_rest_bars()
    {
        var time = new HeldTimeProvider();
        await using var sim = await SimHost.StartAsync(FastClock("2024-03-08T14:35:00Z"), time);
        await using var client = await StreamClient.ConnectAndAuthenticateAsync(sim.StreamUri("sip"));
        await client.SendAsync(new { action = "subscribe", bars = new[] { "SPY", "QQQ" }, dailyBars = new[] { "SPY" } });
        Assert.Equal("subscription", (await client.ReceiveFrameAsync())[0].Type());
        time.Release();

        var frames = new List<JsonElement[]>();
        while (frames.Count(f => f[0].Type() == "b") < 3) frames.Add(await client.ReceiveFrameAsync(TimeSpan.FromSeconds(5)));

        var minuteFrames = frames.Where(f => f[0].Type() == "b").ToList();
        Assert.All(frames, f => Assert.All(f, m => Assert.Equal(f[0].Type(), m.Type())));
        Assert.Contains(minuteFrames, f => f.Length == 2); // several symbols batched in one frame
        var first = AlpacaJsonReader.ReadBar(minuteFrames[0][0]).Timestamp;
        Assert.Equal(new DateTimeOffset(2024, 3, 8, 14, 35, 0, TimeSpan.Zero), first);
        var minutes = minuteFrames.SelectMany(f => f).ToList();
        Assert.All(minutes, m => Assert.Equal(["T", "S", "t", "o", "h", "l", "c", "v", "n", "vw"], m.EnumerateObject().Select(p => p.Name)));

        // Each minute mark: the minute bars, then the day so far.
        var daily = frames.Where(f => f[0].Type() == "d").Select(f => Assert.Single(f)).ToList();
        Assert.NotEmpty(daily);
        Assert.All(daily, d =>
        {
            Assert.Equal("SPY", d.Symbol());
            Assert.Equal("2024-03-08T05:00:00Z", d.GetProperty("t").GetString());
        });

        foreach (var message in minutes)
        {
            var streamed = AlpacaJsonReader.ReadBar(message);
            var rest = await sim.GetAsync($"/v2/stocks/{message.Symbol()}/bars?timeframe=1Min&start={streamed.Timestamp:yyyy-MM-ddTHH:mm:ssZ}&end={streamed.Timestamp:yyyy-MM-ddTHH:mm:ssZ}");
            var expected = Market.GetPreliminaryBar(message.Symbol(), "sip", streamed.Timestamp)
                ?? AlpacaJsonReader.ReadBar(rest.Root.GetProperty("bars")[0]);
            Assert.Equal(expected, streamed);
        }
    }

    [Fact]
    public async Task A_corrected_minute_is_sent_preliminary_then_updated_to_the_rest_bar()
    {
        // Find the first late-trade correction after 15:00 among the liquid symbols, and start the clock just before it.
        var date = new DateOnly(2024, 3, 8);
        var (symbol, minute) = MarketSimOptions.DefaultLiquidSymbols
            .SelectMany(s => Market.GetCorrectedMinutes(s, "sip", date).Select(m => (Symbol: s, Minute: m)))
            .Where(c => c.Minute >= new DateTimeOffset(2024, 3, 8, 15, 0, 0, TimeSpan.Zero))
            .MinBy(c => c.Minute);
        var time = new HeldTimeProvider();
        await using var sim = await SimHost.StartAsync(FastClock($"{minute.AddSeconds(-20):yyyy-MM-ddTHH:mm:ssZ}"), time);
        await using var client = await StreamClient.ConnectAndAuthenticateAsync(sim.StreamUri("sip"));
        await client.SendAsync(new { action = "subscribe", bars = new[] { symbol }, updatedBars = new[] { symbol } });
        Assert.Equal("subscription", (await client.ReceiveFrameAsync())[0].Type());
        time.Release();

        var messages = await client.CollectAsync(m => m.Any(x => x.Type() == "u"), TimeSpan.FromSeconds(10));

        var original = messages.Single(m => m.Type() == "b" && AlpacaJsonReader.ReadBar(m).Timestamp == minute);
        var update = Assert.Single(messages, m => m.Type() == "u");
        Assert.Equal(symbol, update.Symbol());
        var rest = await sim.GetAsync($"/v2/stocks/{symbol}/bars?timeframe=1Min&start={minute:yyyy-MM-ddTHH:mm:ssZ}&end={minute:yyyy-MM-ddTHH:mm:ssZ}");
        var restBar = AlpacaJsonReader.ReadBar(rest.Root.GetProperty("bars")[0]);
        Assert.Equal(restBar, AlpacaJsonReader.ReadBar(update));
        Assert.NotEqual(restBar, AlpacaJsonReader.ReadBar(original));
        Assert.True(AlpacaJsonReader.ReadBar(original).Volume < restBar.Volume);
        // The update comes at the half-minute mark after the bar: the next minute's bar precedes it.
        Assert.Equal("b", messages[^2].Type());
    }

    [Fact]
    public async Task The_wildcard_streams_every_liquid_symbol_on_the_iex_feed()
    {
        // 15:10 is a minute in which some liquid symbols have no IEX bar (MSFT and SPY), unlike
        // 15:11 (QQQ and SPY) or 15:12 (none): the frame must be exactly that minute's.
        var time = new HeldTimeProvider();
        await using var sim = await SimHost.StartAsync(FastClock("2024-03-08T15:10:50Z"), time);
        await using var client = await StreamClient.ConnectAndAuthenticateAsync(sim.StreamUri("iex"));
        await client.SendAsync(new { action = "subscribe", bars = new[] { "*" } });
        Assert.Equal("subscription", (await client.ReceiveFrameAsync())[0].Type());
        time.Release();

        var frame = await client.ReceiveFrameAsync(TimeSpan.FromSeconds(5));

        var minute = new DateTimeOffset(2024, 3, 8, 15, 10, 0, TimeSpan.Zero);
        var expected = MarketSimOptions.DefaultLiquidSymbols.Order(StringComparer.Ordinal)
            .Where(s => Market.GetMinuteBars(s, "iex", new DateOnly(2024, 3, 8)).Any(b => b.Timestamp == minute))
            .ToList();
        Assert.InRange(expected.Count, 8, MarketSimOptions.DefaultLiquidSymbols.Count - 1);
        Assert.All(frame, m => Assert.Equal(minute, AlpacaJsonReader.ReadBar(m).Timestamp));
        Assert.Equal(expected, frame.Select(m => m.Symbol()));
    }

    [Fact]
    public async Task Nothing_is_streamed_outside_the_extended_session()
    {
        // Saturday: the clock runs, no bars.
        await using var sim = await SimHost.StartAsync(FastClock("2024-03-09T15:00:00Z"));
        await using var client = await StreamClient.ConnectAndAuthenticateAsync(sim.StreamUri("sip"));
        await client.SendAsync(new { action = "subscribe", bars = new[] { "*" }, dailyBars = new[] { "*" } });
        await client.ReceiveFrameAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ReceiveFrameAsync(TimeSpan.FromSeconds(2.5)));
    }

    [Fact]
    public async Task Stream_drop_after_cuts_the_connection_without_a_close_frame()
    {
        await using var sim = await SimHost.StartAsync(FastClock("2024-03-08T14:35:00Z", new() { ["MarketSim:Faults:StreamDropAfter"] = "00:00:01" }));
        // The server starts the drop timer when it authenticates the connection, somewhere between
        // these two marks; how long the handshake takes depends on the machine's load.
        var connecting = Stopwatch.StartNew();
        await using var client = await StreamClient.ConnectAndAuthenticateAsync(sim.StreamUri("iex"));
        var authenticated = Stopwatch.StartNew();
        try
        {
            await client.SendAsync(new { action = "subscribe", bars = new[] { "SPY" } });
        }
        catch (System.Net.WebSockets.WebSocketException)
        {
            // On a loaded machine the second can be up before the subscribe goes out: the drop
            // came first, which is what the rest checks.
        }

        var closedCleanly = await client.WaitForEndAsync(TimeSpan.FromSeconds(5));

        Assert.False(closedCleanly);
        // Not before the second is up (less a little for the timer's coarser clock), and soon after.
        Assert.True(connecting.Elapsed >= TimeSpan.FromSeconds(0.95), $"dropped after {connecting.Elapsed}");
        Assert.True(authenticated.Elapsed <= TimeSpan.FromSeconds(3), $"dropped after {authenticated.Elapsed}");
        // The slot is free again: a new connection with the same key authenticates. The server
        // notices the cut on its own side a moment later, so it may still refuse for that moment.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            try
            {
                await using var again = await StreamClient.ConnectAndAuthenticateAsync(sim.StreamUri("iex"));
                break;
            }
            catch (Xunit.Sdk.EqualException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    [Fact]
    public async Task Stream_silence_after_keeps_the_connection_open_sending_nothing_for_its_duration_then_bars_flow_again()
    {
        await using var sim = await SimHost.StartAsync(FastClock("2024-03-08T14:35:00Z", new()
        {
            ["MarketSim:Faults:StreamSilenceAfter"] = "00:00:02",
            ["MarketSim:Faults:StreamSilenceFor"] = "00:00:04",
        }));
        await using var client = await StreamClient.ConnectAndAuthenticateAsync(sim.StreamUri("iex"));
        var clock = Stopwatch.StartNew();
        await client.SendAsync(new { action = "subscribe", bars = new[] { "SPY" } });

        // A bar a second (a simulated minute each), but none for the four seconds of silence, on a socket still open.
        var bars = new List<TimeSpan>();
        while (clock.Elapsed < TimeSpan.FromSeconds(9))
        {
            if ((await client.ReceiveFrameAsync(TimeSpan.FromSeconds(10)))[0].Type() == "b") bars.Add(clock.Elapsed);
        }
        var gaps = bars.Zip(bars.Skip(1), (a, b) => b - a).ToList();
        Assert.True(gaps.Max() >= TimeSpan.FromSeconds(3), string.Join(", ", bars.Select(t => $"{t.TotalSeconds:0.0}")));
        Assert.Contains(bars, t => t < TimeSpan.FromSeconds(2.5));
        Assert.True(bars[^1] > TimeSpan.FromSeconds(6), string.Join(", ", bars.Select(t => $"{t.TotalSeconds:0.0}")));
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, client.State);
    }

    [Fact]
    public async Task Stream_slow_client_after_ends_the_connection_abruptly_with_error_407_when_it_gets_through()
    {
        await using var sim = await SimHost.StartAsync(FastClock("2024-03-08T14:35:00Z", new() { ["MarketSim:Faults:StreamSlowClientAfter"] = "00:00:02" }));
        await using var client = await StreamClient.ConnectAndAuthenticateAsync(sim.StreamUri("iex"));
        await client.SendAsync(new { action = "subscribe", bars = new[] { "SPY" } });

        // The error frame goes out just before the abort, which may overtake it on the client's side.
        var messages = new List<JsonElement>();
        var clock = Stopwatch.StartNew();
        var ended = false;
        while (!ended && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                var text = await client.ReceiveTextAsync(TimeSpan.FromSeconds(10));
                if (text is null) break;
                using var frame = JsonDocument.Parse(text);
                messages.AddRange(frame.RootElement.EnumerateArray().Select(e => e.Clone()));
            }
            catch (System.Net.WebSockets.WebSocketException)
            {
                ended = true;
            }
        }
        Assert.True(ended, $"no abrupt end: {string.Join(" ", messages)}");
        Assert.All(messages.Where(e => e.Type() == "error"), error => Assert.Equal(407, error.GetProperty("code").GetInt32()));
        Assert.Contains(messages, e => e.Type() == "b"); // it streamed before
    }
}
