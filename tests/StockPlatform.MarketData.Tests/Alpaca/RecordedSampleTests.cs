using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StockPlatform.MarketData.Alpaca.Rest;
using StockPlatform.MarketData.Alpaca.Stream;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketData.Tests.Support;

namespace StockPlatform.MarketData.Tests.Alpaca;

/// <summary>
/// The client reading Alpaca's real recorded answers, served over HTTP and WebSocket by a local
/// replay server: integer prices, null tokens, multi-symbol pages, the calendar, corporate
/// actions and the stream transcript.
/// </summary>
public class RecordedSampleTests
{
    private const string EmptySingle = """{"bars":[],"symbol":"AAPL","next_page_token":null}""";
    private const string EmptyMulti = """{"bars":{},"next_page_token":null}""";

    private static readonly DateTimeOffset Start = new(2022, 2, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset End = new(2022, 3, 10, 0, 0, 0, TimeSpan.Zero);

    private static Symbol S(string text) => Symbol.Parse(text);

    private static async Task<LocalServer> ServeAsync(string path, Func<HttpRequest, string> answer, ConcurrentQueue<HttpRequest>? seen = null) =>
        await LocalServer.StartAsync(app => app.MapGet(path, (HttpContext context) =>
        {
            seen?.Enqueue(context.Request);
            return Results.Content(answer(context.Request), "application/json");
        }));

    [Fact]
    public async Task A_single_symbol_page_with_integer_prices_parses_exactly_and_the_token_is_followed()
    {
        var queries = new ConcurrentQueue<string>();
        await using var server = await ServeAsync("/v2/stocks/AAPL/bars", request =>
        {
            queries.Enqueue(request.QueryString.Value ?? string.Empty);
            return request.Query.ContainsKey("page_token") ? EmptySingle : Samples.Read("A_single_symbol_bars_page.json");
        });
        using var clients = Clients.For(server.BaseUri);

        var bars = await clients.Rest.GetBarsAsync(S("AAPL"), BarInterval.OneDay, Start, End);

        Assert.Equal(2, bars.Count);
        Assert.Equal(new Bar(new DateTimeOffset(2022, 2, 1, 5, 0, 0, TimeSpan.Zero), 174m, 174.84m, 172.31m, 174.61m, 85998033, 732412, 173.703516m), bars[0]);
        Assert.Equal(175.84m, bars[1].Close);
        Assert.Equal(2, queries.Count);
        var second = queries.Last();
        // The second page repeats every parameter and adds the token, URL-encoded ('=' is %3D).
        Assert.Contains("page_token=QUFQTHxEfDIwMjItMDItMDJUMDU6MDA6MDAuMDAwMDAwMDAwWg%3D%3D", second);
        Assert.Contains("timeframe=1Day", second);
        Assert.Contains("limit=10000", second);
        Assert.Contains("feed=iex", second);
        Assert.Contains("start=2022-02-01T00%3A00%3A00Z", second);
    }

    [Fact]
    public async Task Every_request_carries_the_auth_headers()
    {
        var seen = new ConcurrentQueue<(string? Key, string? Secret)>();
        await using var server = await LocalServer.StartAsync(app => app.MapGet("/v2/stocks/AAPL/bars", (HttpContext context) =>
        {
            seen.Enqueue((context.Request.Headers["APCA-API-KEY-ID"], context.Request.Headers["APCA-API-SECRET-KEY"]));
            return Results.Content(EmptySingle, "application/json");
        }));
        using var clients = Clients.For(server.BaseUri);

        await clients.Rest.GetBarsAsync(S("AAPL"), BarInterval.OneMinute, Start, End);

        Assert.Equal((Clients.KeyId, Clients.SecretKey), Assert.Single(seen));
    }

    [Fact]
    public async Task Multi_symbol_pages_are_merged_per_symbol_across_pages()
    {
        await using var server = await ServeAsync("/v2/stocks/bars", request =>
            request.Query.ContainsKey("page_token") ? Samples.Read("D_multi_bars_two_symbols.json") : Samples.Read("B_multi_bars_with_token.json"));
        using var clients = Clients.For(server.BaseUri);

        var bars = await clients.Rest.GetBarsAsync(new BarsRequest([S("AAPL"), S("TSLA")], BarInterval.OneDay, Start, End));

        Assert.Equal([174.61m, 175.84m, 162.95m], bars[S("AAPL")].Select(b => b.Close));
        var tsla = Assert.Single(bars[S("TSLA")]);
        Assert.Equal(839m, tsla.Open);
        Assert.Equal(19227323, tsla.Volume);
        Assert.Equal(850.616587m, tsla.Vwap);
    }

    [Fact]
    public async Task A_descending_page_keeps_the_order_alpaca_sent()
    {
        await using var server = await ServeAsync("/v2/stocks/bars", request =>
            request.Query.ContainsKey("page_token") ? EmptyMulti : Samples.Read("C_multi_bars_desc.json"));
        using var clients = Clients.For(server.BaseUri);

        var bars = await clients.Rest.GetBarsAsync(new BarsRequest([S("TSLA"), S("AAPL")], BarInterval.OneDay, Start, End));

        Assert.Equal(
            [new DateTimeOffset(2023, 9, 27, 4, 0, 0, TimeSpan.Zero), new DateTimeOffset(2023, 9, 26, 4, 0, 0, TimeSpan.Zero), new DateTimeOffset(2023, 9, 25, 4, 0, 0, TimeSpan.Zero)],
            bars[S("TSLA")].Select(b => b.Timestamp));
        Assert.Equal(241.6601m, bars[S("TSLA")][1].Low);
        Assert.False(bars.ContainsKey(S("AAPL")));
    }

    [Theory]
    [InlineData("I_go_multi_bars.json", "AAPL", 141.21)]
    [InlineData("J_go_15min_bars.json", "AMZN", 3378.14)]
    public async Task Other_recorded_multi_symbol_pages_parse(string file, string symbol, decimal firstOpen)
    {
        var expected = ExpectedBars(file);
        await using var server = await ServeAsync("/v2/stocks/bars", request =>
            request.Query.ContainsKey("page_token") ? EmptyMulti : Samples.Read(file));
        using var clients = Clients.For(server.BaseUri);

        // Two symbols or more take the multi-symbol endpoint these recordings come from.
        var requested = expected.Keys.Append("SPY").Distinct().Select(S).ToList();
        var bars = await clients.Rest.GetBarsAsync(new BarsRequest(requested, BarInterval.FifteenMinutes, Start, End));

        Assert.Equal(firstOpen, bars[S(symbol)][0].Open);
        foreach (var (name, count) in expected) Assert.Equal(count, bars[S(name)].Count);
        Assert.All(bars.Values.SelectMany(b => b), bar => Assert.Null(bar.Validate()));
    }

    [Fact]
    public async Task The_calendar_converts_new_york_times_and_both_time_formats()
    {
        await using var server = await ServeAsync("/v2/calendar", _ => Samples.Read("E_calendar.json"));
        using var clients = Clients.For(server.BaseUri);

        var days = await clients.Rest.GetCalendarAsync(new DateOnly(2022, 5, 16), new DateOnly(2022, 5, 17));

        Assert.Equal(2, days.Count);
        var day = days[0];
        Assert.Equal(new DateOnly(2022, 5, 16), day.Date);
        Assert.Equal(new TimeOnly(9, 30), day.Open);
        Assert.Equal(new TimeOnly(4, 0), day.SessionOpen);
        // May is daylight time: New York is UTC-4.
        Assert.Equal(new DateTimeOffset(2022, 5, 16, 13, 30, 0, TimeSpan.Zero), day.OpenUtc);
        Assert.Equal(new DateTimeOffset(2022, 5, 16, 20, 0, 0, TimeSpan.Zero), day.CloseUtc);
        Assert.Equal(new DateTimeOffset(2022, 5, 17, 0, 0, 0, TimeSpan.Zero), day.SessionCloseUtc);
        Assert.False(day.IsEarlyClose);
    }

    [Fact]
    public async Task Corporate_actions_of_every_type_are_read_across_pages()
    {
        var tokens = new ConcurrentQueue<string?>();
        await using var server = await ServeAsync("/v1/corporate-actions", request =>
        {
            tokens.Enqueue(request.Query["page_token"]);
            return request.Query.ContainsKey("page_token") ? Samples.Read("G_corporate_actions_page2.json") : Samples.Read("F_corporate_actions_page1.json");
        });
        using var clients = Clients.For(server.BaseUri);

        var actions = await clients.Rest.GetCorporateActionsAsync(new CorporateActionsRequest([S("SRE")], new DateOnly(2023, 1, 1), new DateOnly(2024, 12, 31)));

        Assert.Equal(14, actions.Count);
        Assert.Equal(13, actions.Select(a => a.Type).Distinct().Count());
        var split = Assert.Single(actions, a => a.Type == "forward_split");
        Assert.Equal("SRE", split.Symbol);
        Assert.Equal(new DateOnly(2023, 8, 22), split.ExDate);
        Assert.Equal(2m, split.GetDecimal("new_rate"));
        Assert.Equal(1m, split.GetDecimal("old_rate"));
        var dividends = actions.Where(a => a.Type == "cash_dividend").ToList();
        Assert.Equal([0.125m, 0.086928m], dividends.Select(d => d.GetDecimal("rate")!.Value));
        Assert.Equal("MDA3Q1ZSMDIwfDIwMjQtMDItMTV8NjBiZjkxYzItMDc0Ni00ZDliLThjOWUtYTgwYmIzMDhmZDkx", tokens.Last());
    }

    [Fact]
    public async Task The_recorded_stream_transcript_yields_its_bar_after_auth_and_subscribe()
    {
        var lines = File.ReadAllLines(Samples.PathOf("H_stream_test_transcript.txt"));
        var clientMessages = new ConcurrentQueue<JsonDocument>();
        await using var server = await LocalServer.StartAsync(app => app.Map("/v2/test", async (HttpContext context) =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[4096];
            foreach (var line in lines)
            {
                if (line.StartsWith("< ", StringComparison.Ordinal))
                {
                    await socket.SendAsync(Encoding.UTF8.GetBytes(line[2..]), WebSocketMessageType.Text, true, context.RequestAborted);
                }
                else if (line.StartsWith("> ", StringComparison.Ordinal))
                {
                    var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
                    // JsonDocument keeps a reference to its input: give it a copy, the buffer is reused.
                    clientMessages.Enqueue(JsonDocument.Parse(buffer.AsMemory(0, received.Count).ToArray()));
                }
            }
            // Keep the connection open until the client leaves.
            try { await socket.ReceiveAsync(buffer, context.RequestAborted); } catch (Exception) { }
        }));
        using var clients = Clients.For(server.BaseUri, new() { ["ALPACA_FEED"] = "test" });
        await clients.Stream.SubscribeAsync([S("FAKEPACA")], updatedBars: false);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var events = new List<AlpacaStreamEvent>();
        await foreach (var streamEvent in clients.Stream.RunAsync(timeout.Token))
        {
            events.Add(streamEvent);
            if (streamEvent is StreamBarReceived) break;
        }

        Assert.IsType<StreamConnected>(events[0]);
        var subscription = Assert.Single(events.OfType<StreamSubscriptionChanged>());
        Assert.Equal(["FAKEPACA"], subscription.Bars);
        Assert.Empty(subscription.UpdatedBars); // keys absent from the reply count as empty
        Assert.Equal(["FAKEPACA"], subscription.Quotes);
        Assert.Empty(subscription.Trades);
        // The test feed sends quotes the client did not ask for; they are read all the same, nanoseconds included.
        var quotes = events.OfType<StreamQuoteReceived>().ToList();
        Assert.Equal(2, quotes.Count);
        Assert.Equal(new Quote(NanoTime.Parse("2024-07-24T07:56:53.639713735Z"), "O", 133.85m, 4, "R", 135.77m, 5, ["R"], "A"), quotes[0].Quote);
        Assert.Equal("2024-07-24T07:56:58.641207127Z", quotes[1].Quote.Time.ToString());
        var bar = Assert.IsType<StreamBarReceived>(events[^1]);
        Assert.Equal(StreamBarKind.Minute, bar.Kind);
        Assert.Equal("FAKEPACA", bar.Symbol.Value);
        Assert.Equal(new Bar(new DateTimeOffset(2024, 7, 24, 7, 56, 0, TimeSpan.Zero), 132.65m, 136m, 132.12m, 134.65m, 205, 16, 133.7m), bar.Bar);

        var sent = clientMessages.ToArray();
        Assert.Equal("auth", sent[0].RootElement.GetProperty("action").GetString());
        Assert.Equal(Clients.KeyId, sent[0].RootElement.GetProperty("key").GetString());
        Assert.Equal("subscribe", sent[1].RootElement.GetProperty("action").GetString());
        Assert.Equal("FAKEPACA", sent[1].RootElement.GetProperty("bars")[0].GetString());
    }

    private static Dictionary<string, int> ExpectedBars(string file)
    {
        using var json = JsonDocument.Parse(Samples.Read(file));
        return json.RootElement.GetProperty("bars").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetArrayLength());
    }
}
