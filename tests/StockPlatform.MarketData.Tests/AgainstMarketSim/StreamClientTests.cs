using StockPlatform.MarketData.Alpaca.Stream;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketData.Tests.Support;

namespace StockPlatform.MarketData.Tests.AgainstMarketSim;

/// <summary>The stream client against MarketSim's WebSocket on an accelerated clock (one simulated minute per second).</summary>
public class StreamClientTests
{
    private static readonly Symbol Spy = Symbol.Parse("SPY");
    private static readonly Symbol Qqq = Symbol.Parse("QQQ");

    private static Dictionary<string, string?> FastClock(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["MarketSim:Stream:Speed"] = "60",
            ["MarketSim:Stream:Start"] = "2024-03-08T14:35:00Z",
        };
        foreach (var (key, value) in more ?? []) settings[key] = value;
        return settings;
    }

    private static async Task<List<AlpacaStreamEvent>> CollectAsync(AlpacaStreamClient stream, Func<List<AlpacaStreamEvent>, bool> done, TimeSpan timeout)
    {
        var events = new List<AlpacaStreamEvent>();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await foreach (var streamEvent in stream.RunAsync(cancel.Token))
            {
                events.Add(streamEvent);
                if (done(events)) break;
            }
        }
        catch (OperationCanceledException)
        {
            // Timed out: the assertions below say what was missing.
        }
        return events;
    }

    [Fact]
    public async Task Minute_bars_arrive_after_auth_and_subscribe_and_equal_the_rest_bars()
    {
        await using var sim = await SimServer.StartAsync(FastClock());
        using var clients = Clients.For(sim.BaseUri);
        await clients.Stream.SubscribeAsync([Spy, Qqq], updatedBars: true);

        var events = await CollectAsync(clients.Stream, e => e.OfType<StreamBarReceived>().Count(b => b.Kind == StreamBarKind.Minute) >= 6, TimeSpan.FromSeconds(30));

        Assert.IsType<StreamConnected>(events[0]);
        var subscription = events.OfType<StreamSubscriptionChanged>().First();
        Assert.Equal(["QQQ", "SPY"], subscription.Bars.Order());
        Assert.Equal(["QQQ", "SPY"], subscription.UpdatedBars.Order());
        var minuteBars = events.OfType<StreamBarReceived>().Where(b => b.Kind == StreamBarKind.Minute).ToList();
        Assert.True(minuteBars.Count >= 6, $"only {minuteBars.Count} minute bars arrived");
        Assert.Contains(minuteBars, b => b.Symbol == Spy);

        // What streamed is what REST serves, except bars that a later 'u' corrects.
        var corrected = events.OfType<StreamBarReceived>().Where(b => b.Kind == StreamBarKind.Updated).Select(b => (b.Symbol, b.Bar.Timestamp)).ToHashSet();
        var first = minuteBars.Min(b => b.Bar.Timestamp);
        var last = minuteBars.Max(b => b.Bar.Timestamp);
        foreach (var symbol in new[] { Spy, Qqq })
        {
            var rest = (await clients.Rest.GetBarsAsync(symbol, BarInterval.OneMinute, first, last)).ToDictionary(b => b.Timestamp);
            foreach (var streamed in minuteBars.Where(b => b.Symbol == symbol && !corrected.Contains((b.Symbol, b.Bar.Timestamp))))
                Assert.Equal(rest[streamed.Bar.Timestamp], streamed.Bar);
        }
    }

    [Fact]
    public async Task An_updated_bar_replaces_the_minute_bar_with_what_rest_serves()
    {
        await using var sim = await SimServer.StartAsync(FastClock());
        using var clients = Clients.For(sim.BaseUri);
        // Many liquid symbols make a late-trade correction within a few simulated minutes near certain.
        Symbol[] symbols = [.. new[] { "SPY", "QQQ", "AAPL", "MSFT", "NVDA", "AMZN", "TSLA", "META", "GOOGL", "IWM", "AMD", "NFLX" }.Select(Symbol.Parse)];
        await clients.Stream.SubscribeAsync(symbols, updatedBars: true);

        var events = await CollectAsync(clients.Stream, e => e.OfType<StreamBarReceived>().Any(b => b.Kind == StreamBarKind.Updated), TimeSpan.FromSeconds(60));

        var update = events.OfType<StreamBarReceived>().FirstOrDefault(b => b.Kind == StreamBarKind.Updated)
            ?? throw new Xunit.Sdk.XunitException("no updated bar arrived within 60 simulated minutes");
        var original = events.OfType<StreamBarReceived>().Single(b => b.Kind == StreamBarKind.Minute && b.Symbol == update.Symbol && b.Bar.Timestamp == update.Bar.Timestamp);
        Assert.NotEqual(original.Bar, update.Bar);
        var rest = await clients.Rest.GetBarsAsync(update.Symbol, BarInterval.OneMinute, update.Bar.Timestamp, update.Bar.Timestamp);
        Assert.Equal(update.Bar, Assert.Single(rest));
    }

    [Fact]
    public async Task After_the_server_drops_the_socket_the_client_reconnects_and_resubscribes()
    {
        await using var sim = await SimServer.StartAsync(FastClock(new() { ["MarketSim:Faults:StreamDropAfter"] = "00:00:02" }));
        using var clients = Clients.For(sim.BaseUri);
        await clients.Stream.SubscribeAsync([Spy], updatedBars: false);

        var events = await CollectAsync(
            clients.Stream,
            e => e.OfType<StreamConnected>().Count() >= 2 && e.SkipWhile(x => x is not StreamConnected { Attempt: > 0 }).OfType<StreamBarReceived>().Any(),
            TimeSpan.FromSeconds(30));

        Assert.Contains(events, e => e is StreamDisconnected { WillReconnect: true });
        var reconnected = events.OfType<StreamConnected>().FirstOrDefault(c => c.Attempt > 0)
            ?? throw new Xunit.Sdk.XunitException("the client did not reconnect");
        var afterReconnect = events.SkipWhile(e => !ReferenceEquals(e, reconnected)).ToList();
        Assert.Contains(afterReconnect, e => e is StreamSubscriptionChanged s && s.Bars.Contains("SPY"));
        Assert.Contains(afterReconnect, e => e is StreamBarReceived { Kind: StreamBarKind.Minute });
    }

    [Fact]
    public async Task Wrong_keys_end_the_stream_with_an_authentication_error()
    {
        await using var sim = await SimServer.StartAsync(FastClock());
        using var clients = Clients.For(sim.BaseUri, keyId: "wrong", secretKey: "wrong");
        await clients.Stream.SubscribeAsync([Spy]);

        var error = await Assert.ThrowsAsync<AlpacaStreamException>(async () =>
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await foreach (var _ in clients.Stream.RunAsync(cancel.Token)) { }
        });

        Assert.Equal(StreamErrorCodes.AuthFailed, error.ErrorCode);
        Assert.Contains("ALPACA_KEY_ID", error.Message);
    }
}
