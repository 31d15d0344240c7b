using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StockPlatform.MarketData.Alpaca.Stream;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketData.Tests.Support;

namespace StockPlatform.MarketData.Tests.Alpaca;

/// <summary>
/// The stream client's trades and quotes against a local WebSocket server that plays Alpaca:
/// subscribe messages per channel, the frames of every tick type, and the full set sent again
/// after a reconnect.
/// </summary>
public class TradesAndQuotesStreamTests
{
    private static readonly Symbol Spy = Symbol.Parse("SPY");
    private static readonly Symbol Qqq = Symbol.Parse("QQQ");
    private static readonly Symbol Amd = Symbol.Parse("AMD");

    private static readonly string[] ChannelNames = ["trades", "quotes", "bars", "updatedBars", "dailyBars"];

    /// <summary>What Alpaca keeps per connection: the symbols of each channel, changed by each (un)subscribe.</summary>
    private sealed class ServerSubscriptions
    {
        private readonly Dictionary<string, SortedSet<string>> _channels = ChannelNames.ToDictionary(name => name, _ => new SortedSet<string>(StringComparer.Ordinal));

        public string Apply(JsonElement message)
        {
            var subscribe = message.GetProperty("action").GetString() == "subscribe";
            foreach (var (name, symbols) in _channels)
            {
                if (!message.TryGetProperty(name, out var list)) continue;
                foreach (var symbol in list.EnumerateArray().Select(s => s.GetString()!))
                {
                    if (subscribe) symbols.Add(symbol);
                    else symbols.Remove(symbol);
                }
            }
            var reply = new Dictionary<string, object> { ["T"] = "subscription" };
            foreach (var (name, symbols) in _channels) reply[name] = symbols.ToArray();
            reply["corrections"] = _channels["trades"].ToArray();
            reply["cancelErrors"] = _channels["trades"].ToArray();
            return JsonSerializer.Serialize(new[] { reply });
        }
    }

    private static string[] Names(JsonElement message, string channel) =>
        message.TryGetProperty(channel, out var list) ? [.. list.EnumerateArray().Select(s => s.GetString()!)] : [];

    private static async Task<List<AlpacaStreamEvent>> CollectAsync(AlpacaStreamClient stream, Func<AlpacaStreamEvent, List<AlpacaStreamEvent>, Task<bool>> onEvent)
    {
        var events = new List<AlpacaStreamEvent>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await foreach (var streamEvent in stream.RunAsync(timeout.Token))
        {
            events.Add(streamEvent);
            if (await onEvent(streamEvent, events)) break;
        }
        return events;
    }

    [Fact]
    public async Task Trades_quotes_corrections_and_cancels_arrive_as_events_with_every_nanosecond()
    {
        var subscribes = new ConcurrentQueue<JsonElement>();
        await using var server = await LocalServer.StartAsync(app => app.Map("/v2/iex", async (HttpContext context) =>
        {
            var socket = new ScriptedSocket(await context.WebSockets.AcceptWebSocketAsync(), context.RequestAborted);
            var state = new ServerSubscriptions();
            await socket.HandshakeAsync();
            var subscribe = (await socket.ReceiveAsync())!.Value;
            subscribes.Enqueue(subscribe);
            await socket.SendAsync(state.Apply(subscribe));
            await socket.SendAsync("""
                [{"T":"t","S":"SPY","i":96921,"x":"D","p":126.55,"s":1,"t":"2021-02-22T15:51:44.208123456Z","c":["@","I"],"z":"C"},
                 {"T":"q","S":"SPY","bx":"U","bp":87.66,"bs":1,"ax":"Q","ap":88,"as":4,"t":"2021-02-22T15:51:44.208123457Z","c":["R"],"z":"C"},
                 {"T":"c","S":"SPY","x":"M","oi":52983525033527,"op":39.1582,"os":440000,"oc":[" ","7","V"],"ci":52983525033528,"cp":39.1583,"cs":440001,"cc":[" ","7"],"z":"B","t":"2021-02-22T15:51:44.000000001Z"},
                 {"T":"x","S":"AMD","i":4,"x":"K","p":87.7,"s":300,"a":"E","z":"C","t":"2021-02-22T15:51:45.999999999Z"},
                 {"T":"x","S":"AMD","i":5,"x":"K","p":87.71,"s":100,"a":"C","z":"C","t":"2021-02-22T15:51:46Z"}]
                """);
            await socket.SendAsync("""[{"T":"b","S":"QQQ","o":1,"h":2,"l":1,"c":2,"v":10,"t":"2021-02-22T15:51:00Z","n":1,"vw":1.5}]""");
            await socket.HoldAsync();
        }));
        using var clients = Clients.For(server.BaseUri);
        await clients.Stream.SubscribeAsync([Qqq]); // the bars-only call LiveStream makes: bars and updated bars
        await clients.Stream.SubscribeAsync([Spy], StreamChannels.Bars | StreamChannels.Trades | StreamChannels.Quotes);
        await clients.Stream.SubscribeAsync([Amd], StreamChannels.Trades);

        var events = await CollectAsync(clients.Stream, (e, _) => Task.FromResult(e is StreamBarReceived));

        var sent = Assert.Single(subscribes);
        Assert.Equal(["QQQ", "SPY"], Names(sent, "bars"));
        Assert.Equal(["QQQ"], Names(sent, "updatedBars"));
        Assert.Equal(["AMD", "SPY"], Names(sent, "trades"));
        Assert.Equal(["SPY"], Names(sent, "quotes"));
        Assert.False(sent.TryGetProperty("dailyBars", out _));

        var subscription = Assert.Single(events.OfType<StreamSubscriptionChanged>());
        Assert.Equal(["AMD", "SPY"], subscription.Trades);
        Assert.Equal(["SPY"], subscription.Quotes);
        Assert.Equal(["AMD", "SPY"], subscription.Corrections);
        Assert.Equal(["AMD", "SPY"], subscription.CancelErrors);
        Assert.Equal(["QQQ", "SPY"], subscription.Bars);

        var trade = Assert.Single(events.OfType<StreamTradeReceived>());
        Assert.Equal(Spy, trade.Symbol);
        Assert.Equal(new Trade(NanoTime.Parse("2021-02-22T15:51:44.208123456Z"), 96921, "D", 126.55m, 1, ["@", "I"], "C"), trade.Trade);
        Assert.Equal(456, trade.Trade.Time.NanosecondOfMicrosecond);

        var quote = Assert.Single(events.OfType<StreamQuoteReceived>());
        Assert.Equal(new Quote(NanoTime.Parse("2021-02-22T15:51:44.208123457Z"), "U", 87.66m, 1, "Q", 88m, 4, ["R"], "C"), quote.Quote);

        var correction = Assert.Single(events.OfType<StreamTradeCorrectionReceived>());
        var at = NanoTime.Parse("2021-02-22T15:51:44.000000001Z");
        Assert.Equal(new Trade(at, 52983525033527, "M", 39.1582m, 440000, [" ", "7", "V"], "B"), correction.Original);
        Assert.Equal(new Trade(at, 52983525033528, "M", 39.1583m, 440001, [" ", "7"], "B"), correction.Corrected);

        var cancels = events.OfType<StreamTradeCancelReceived>().ToList();
        Assert.Equal([StreamTradeCancelKind.Error, StreamTradeCancelKind.Cancel], cancels.Select(c => c.Kind));
        Assert.Equal(new Trade(NanoTime.Parse("2021-02-22T15:51:45.999999999Z"), 4, "K", 87.7m, 300, [], "C"), cancels[0].Trade);
        Assert.All(cancels, c => Assert.Equal(Amd, c.Symbol));

        // Order on the wire is order of the events.
        Assert.Equal(
            [typeof(StreamConnected), typeof(StreamSubscriptionChanged), typeof(StreamTradeReceived), typeof(StreamQuoteReceived),
             typeof(StreamTradeCorrectionReceived), typeof(StreamTradeCancelReceived), typeof(StreamTradeCancelReceived), typeof(StreamBarReceived)],
            events.Select(e => e.GetType()));
    }

    [Fact]
    public async Task Channels_are_left_one_at_a_time_and_the_whole_set_is_sent_again_after_a_reconnect()
    {
        var received = new ConcurrentQueue<(int Connection, JsonElement Message)>();
        var connections = 0;
        await using var server = await LocalServer.StartAsync(app => app.Map("/v2/iex", async (HttpContext context) =>
        {
            var connection = Interlocked.Increment(ref connections);
            var socket = new ScriptedSocket(await context.WebSockets.AcceptWebSocketAsync(), context.RequestAborted);
            var state = new ServerSubscriptions();
            await socket.HandshakeAsync();
            // The first connection takes the subscribe and the two changes, then drops; the second one stays.
            for (var i = 0; i < (connection == 1 ? 3 : 1); i++)
            {
                var message = (await socket.ReceiveAsync())!.Value;
                received.Enqueue((connection, message));
                await socket.SendAsync(state.Apply(message));
            }
            if (connection == 1)
            {
                await socket.CloseAsync();
                return;
            }
            await socket.SendAsync("""[{"T":"t","S":"QQQ","i":1,"x":"V","p":400.5,"s":2,"t":"2024-03-08T15:00:00.000000042Z","c":["@"],"z":"C"}]""");
            await socket.HoldAsync();
        }));
        using var clients = Clients.For(server.BaseUri);
        var stream = clients.Stream;
        await stream.SubscribeAsync([Spy], StreamChannels.Bars | StreamChannels.Trades | StreamChannels.Quotes);
        await stream.SubscribeAsync([Qqq], StreamChannels.Bars | StreamChannels.Trades);

        var changed = false;
        var events = await CollectAsync(stream, async (e, all) =>
        {
            if (e is StreamSubscriptionChanged && !changed)
            {
                changed = true;
                await stream.UnsubscribeAsync([Spy], StreamChannels.Quotes);
                await stream.SubscribeAsync([Amd], StreamChannels.Quotes);
            }
            return e is StreamTradeReceived && all.OfType<StreamConnected>().Count() == 2;
        });

        var first = received.Where(r => r.Connection == 1).Select(r => r.Message).ToList();
        Assert.Equal(3, first.Count);
        Assert.Equal("""{"action":"unsubscribe","quotes":["SPY"]}""", first[1].GetRawText());
        Assert.Equal("""{"action":"subscribe","quotes":["AMD"]}""", first[2].GetRawText());

        var again = Assert.Single(received, r => r.Connection == 2).Message;
        Assert.Equal("subscribe", again.GetProperty("action").GetString());
        Assert.Equal(["QQQ", "SPY"], Names(again, "bars"));
        Assert.Equal(["QQQ", "SPY"], Names(again, "trades"));
        Assert.Equal(["AMD"], Names(again, "quotes"));
        Assert.False(again.TryGetProperty("updatedBars", out _));

        Assert.Equal(["QQQ", "SPY"], stream.TradeSymbols);
        Assert.Equal(["AMD"], stream.QuoteSymbols);
        Assert.Contains(events, e => e is StreamDisconnected { WillReconnect: true });
        var reconnected = events.OfType<StreamConnected>().Last();
        Assert.Equal(1, reconnected.Attempt);
        var afterReconnect = events.SkipWhile(e => !ReferenceEquals(e, reconnected)).ToList();
        var subscription = afterReconnect.OfType<StreamSubscriptionChanged>().First();
        Assert.Equal(["AMD"], subscription.Quotes);
        Assert.Equal(["QQQ", "SPY"], subscription.Corrections);
        Assert.Equal("2024-03-08T15:00:00.000000042Z", afterReconnect.OfType<StreamTradeReceived>().Single().Trade.Time.ToString());
    }

    [Fact]
    public async Task Leaving_every_channel_of_a_symbol_names_all_five()
    {
        var received = new ConcurrentQueue<JsonElement>();
        await using var server = await LocalServer.StartAsync(app => app.Map("/v2/iex", async (HttpContext context) =>
        {
            var socket = new ScriptedSocket(await context.WebSockets.AcceptWebSocketAsync(), context.RequestAborted);
            var state = new ServerSubscriptions();
            await socket.HandshakeAsync();
            for (var i = 0; i < 2; i++)
            {
                var message = (await socket.ReceiveAsync())!.Value;
                received.Enqueue(message);
                await socket.SendAsync(state.Apply(message));
            }
            await socket.HoldAsync();
        }));
        using var clients = Clients.For(server.BaseUri);
        var stream = clients.Stream;
        await stream.SubscribeAsync([Spy], StreamChannels.All);

        var subscriptions = 0;
        var events = await CollectAsync(stream, async (e, _) =>
        {
            if (e is not StreamSubscriptionChanged) return false;
            if (++subscriptions == 1) await stream.UnsubscribeAsync([Spy]);
            return subscriptions == 2;
        });

        Assert.Equal("""{"action":"unsubscribe","bars":["SPY"],"updatedBars":["SPY"],"dailyBars":["SPY"],"trades":["SPY"],"quotes":["SPY"]}""", received.Last().GetRawText());
        var last = events.OfType<StreamSubscriptionChanged>().Last();
        Assert.All(new[] { last.Bars, last.UpdatedBars, last.DailyBars, last.Trades, last.Quotes, last.Corrections, last.CancelErrors }, Assert.Empty);
        Assert.Empty(stream.BarSymbols);
        Assert.Empty(stream.TradeSymbols);
    }

    [Fact]
    public async Task A_tick_message_that_cannot_be_read_is_skipped_and_the_connection_stays()
    {
        await using var server = await LocalServer.StartAsync(app => app.Map("/v2/iex", async (HttpContext context) =>
        {
            var socket = new ScriptedSocket(await context.WebSockets.AcceptWebSocketAsync(), context.RequestAborted);
            await socket.HandshakeAsync();
            await socket.ReceiveAsync();
            await socket.SendAsync("""
                [{"T":"t","S":"SPY","i":1,"x":"V","p":1.5,"s":1,"c":["@"],"z":"C"},
                 {"T":"q","S":"SPY","t":"not a time"},
                 {"T":"t","S":"SPY","i":2,"x":"V","p":1.5,"s":1,"t":"2024-01-02T14:30:00.999999999Z","c":["@"],"z":"C"}]
                """);
            await socket.HoldAsync();
        }));
        using var clients = Clients.For(server.BaseUri);
        await clients.Stream.SubscribeAsync([Spy], StreamChannels.Trades | StreamChannels.Quotes);

        var events = await CollectAsync(clients.Stream, (e, _) => Task.FromResult(e is StreamTradeReceived));

        Assert.Equal(2, Assert.IsType<StreamTradeReceived>(events[^1]).Trade.Id);
        Assert.DoesNotContain(events, e => e is StreamDisconnected or StreamQuoteReceived);
    }
}
