using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using Npgsql;
using StockPlatform.MarketSim.Clock;
using StockPlatform.MarketSim.Faults;
using StockPlatform.MarketSim.Streaming;
using StockPlatform.Storage.Ticks;
using StockPlatform.Testing;

namespace StockPlatform.IntegrationTests.EndToEnd;

/// <summary>
/// The live updater against MarketSim's stream on an accelerated clock (a simulated minute a
/// second): tracking a symbol through the gateway streams its minutes into PostgreSQL and onto
/// <c>GET /events</c>, updated bars replace what they correct, the stored minutes equal
/// MarketSim's ground truth, their features follow, and untracking stops them, all without
/// restarting the agent.
/// </summary>
public sealed class LiveStreamEndToEndTests
{
    private static readonly Dictionary<string, string?> AcceleratedMarket = new()
    {
        ["MarketSim:Stream:Speed"] = "60",
        ["MarketSim:Stream:Start"] = "2025-03-05T15:00:00Z", // a Wednesday, 10:00 in New York
    };

    // Lag: real time from MarketSim emitting the bar (its minute's end on the simulated clock) to its arrival here.
    private sealed record LiveBar(string Kind, DateTimeOffset Timestamp, JsonElement Data, TimeSpan Lag);

    [Fact]
    public async Task Tracking_a_symbol_streams_its_minutes_to_postgresql_and_events_corrections_replace_and_untracking_stops_them()
    {
        await using var stack = await PlatformStack.StartAsync(simSettings: AcceleratedMarket);
        await stack.StartLiveStreamAsync();
        await stack.StartFeatureAgentAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        using var events = stack.Gateway.CreateClient();
        using var stream = await events.GetAsync("/events?symbol=SPY&kind=bar", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var received = new ConcurrentQueue<LiveBar>();
        var clock = stack.Sim.Services.GetRequiredService<SimulatedClock>();
        var reading = ReadAsync(await stream.Content.ReadAsStreamAsync(timeout.Token), received, clock, timeout.Token);

        using (var track = await stack.Client.PutAsync("/symbols/SPY/tracking", null, timeout.Token))
        {
            Assert.Equal(HttpStatusCode.OK, track.StatusCode);
            Assert.True(JsonDocument.Parse(await track.Content.ReadAsStringAsync(timeout.Token)).RootElement.GetProperty("tracked").GetBoolean());
        }
        var tracked = await stack.GetJsonAsync("/symbols?tracked=true");
        Assert.Contains(tracked.GetProperty("symbols").EnumerateArray(), s => s.GetProperty("symbol").GetString() == "SPY");

        // Minutes arrive one a second, corrections half a minute after the bars they correct. Streamed
        // minutes reach GET /events within a second of MarketSim emitting them (stored before: the
        // agent publishes after writing) once the platform is warm: on a loaded machine the first
        // ones can wait seconds for start-up (first connections, JIT), and arrive together after it.
        // So the newest ten are judged as minutes go on arriving, until the deadline.
        using var warm = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        List<LiveBar> Newest() => [.. received.Where(b => b.Kind == "bar.new").TakeLast(10)];
        static bool Prompt(List<LiveBar> streamed) => streamed.Count == 10 && streamed.Count(b => b.Lag < TimeSpan.FromSeconds(1)) >= 8;
        while (!(received.Count(b => b.Kind == "bar.new") >= 12 && received.Any(b => b.Kind == "bar.correction") && Prompt(Newest())))
        {
            Assert.False(warm.IsCancellationRequested, $"after {received.Count} events ({string.Join(", ", received.Select(b => b.Kind).Distinct())}), " +
                $"the newest minutes' lags: {string.Join(", ", Newest().Select(b => $"{b.Lag.TotalMilliseconds:0} ms"))}");
            await Task.Delay(200);
        }

        var bars = received.ToList();

        // Every streamed minute is stored as its last version, and equals what MarketSim's REST serves for it.
        var first = bars.Min(b => b.Timestamp);
        var settled = bars.Where(b => b.Kind == "bar.correction").Max(b => b.Timestamp);
        var stored = await stack.ReadMinutesAsync("SPY", first.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ"), settled.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ"));
        var truth = stack.Market.GetBars("SPY", "iex", BarInterval.OneMinute, first, settled);
        Assert.Equal(truth, stored);
        foreach (var minute in bars.GroupBy(b => b.Timestamp).Where(g => g.Key <= settled))
        {
            var last = minute.Last().Data;
            var bar = Assert.Single(stored, b => b.Timestamp == minute.Key);
            Assert.Equal(bar.Close, last.GetProperty("close").GetDecimal());
            Assert.Equal(bar.Volume, last.GetProperty("volume").GetInt64());
        }
        var corrected = bars.First(b => b.Kind == "bar.correction");
        Assert.Contains(bars, b => b.Kind == "bar.new" && b.Timestamp == corrected.Timestamp);

        // The feature agent keeps the minutes' features current as they stream in.
        var newest = stored[^1].Timestamp;
        while (true)
        {
            var latest = await stack.GetJsonAsync("/features/SPY?interval=1m&latest=true&limit=1");
            if (latest.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("timestamp").GetDateTimeOffset()).FirstOrDefault() >= newest) break;
            Assert.False(timeout.IsCancellationRequested, latest.ToString());
            await Task.Delay(200);
        }

        // Untracked: the stream stops sending the symbol at once, with no restart.
        using (var untrack = await stack.Client.DeleteAsync("/symbols/SPY/tracking", timeout.Token))
            Assert.Equal(HttpStatusCode.OK, untrack.StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(1), timeout.Token);
        var before = received.Count;
        await Task.Delay(TimeSpan.FromSeconds(4), timeout.Token); // four simulated minutes
        Assert.Equal(before, received.Count);
        Assert.Equal(HttpStatusCode.NotFound, (await stack.Client.DeleteAsync("/symbols/SPY/tracking", timeout.Token)).StatusCode);
        await timeout.CancelAsync();
        try { await reading; } catch (OperationCanceledException) { }
    }

    [Fact]
    public async Task A_symbol_tracked_with_trades_and_quotes_stores_exactly_marketsims_trades_and_quotes_as_they_stream()
    {
        await using var stack = await PlatformStack.StartAsync(simSettings: AcceleratedMarket);
        var agent = await stack.StartLiveStreamAsync();
        var clock = stack.Sim.Services.GetRequiredService<SimulatedClock>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        using (var track = await stack.Client.PutAsJsonAsync("/symbols/SPY/tracking", new { trades = true, quotes = true }, timeout.Token))
            Assert.Equal(HttpStatusCode.OK, track.StatusCode);

        // Twelve simulated minutes stream in twelve seconds; the first minute may be partial (tracked mid-minute).
        var trades = stack.Gateway.Services.GetRequiredService<TradeStore>();
        var quotes = stack.Gateway.Services.GetRequiredService<QuoteStore>();
        var spy = Symbol.Parse("SPY");
        var since = clock.Now;
        DateTimeOffset? firstMinute = null;
        while (firstMinute is null || clock.Now < firstMinute.Value.AddMinutes(12))
        {
            Assert.False(timeout.IsCancellationRequested, agent.Tail());
            await Task.Delay(500);
            firstMinute ??= (await trades.ReadAsync(spy, since.AddMinutes(-1), since.AddHours(1), 1)) is [var trade] ? trade.Time.Microsecond.AddMinutes(1) : null;
        }
        var from = new DateTimeOffset(firstMinute!.Value.Ticks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute, TimeSpan.Zero);
        var to = from.AddMinutes(10).AddTicks(-1);

        await AssertEventuallyEqualAsync(stack.Market.GetTrades("SPY", "iex", from, to), async () => await trades.ReadAsync(spy, from, to, 1_000_000));
        await AssertEventuallyEqualAsync(stack.Market.GetQuotes("SPY", "iex", from, to), async () => (await quotes.ReadAsync(spy, from, to, 1_000_000)).Select(q => q.Quote));
        Assert.NotEmpty(stack.Market.GetQuotes("SPY", "iex", from, to));

        var listed = (await stack.GetJsonAsync("/symbols?tracked=true")).GetProperty("symbols")[0];
        Assert.True(listed.GetProperty("tracked_trades").GetBoolean() && listed.GetProperty("tracked_quotes").GetBoolean());

        // Trades and quotes off again: bars keep streaming, ticks stop.
        using (var bars = await stack.Client.PutAsJsonAsync("/symbols/SPY/tracking", new { trades = false, quotes = false }, timeout.Token))
            Assert.Equal(HttpStatusCode.OK, bars.StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(1), timeout.Token);
        var stoppedAt = clock.Now;
        var after = stoppedAt.AddSeconds(10).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        // Bars go on: wait for a streamed minute that began after the stop (its trades streamed and were written before it).
        while ((await stack.ReadMinutesAsync("SPY", after, clock.Now.AddHours(1).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture))).Count < 2)
        {
            Assert.False(timeout.IsCancellationRequested, agent.Tail());
            await Task.Delay(200);
        }
        Assert.Empty(await trades.ReadAsync(spy, stoppedAt.AddSeconds(10), stoppedAt.AddHours(1), 10));
    }

    [Fact]
    public async Task A_stream_dropped_while_trades_and_quotes_stream_leaves_them_equal_to_the_ground_truth_none_missing_none_twice()
    {
        var dropping = new Dictionary<string, string?>(AcceleratedMarket) { ["MarketSim:Faults:StreamDropAfter"] = "00:00:03" };
        await using var stack = await PlatformStack.StartAsync(simSettings: dropping);
        var agent = await stack.StartLiveStreamAsync(new()
        {
            ["Alpaca__StreamReconnectDelay"] = "00:00:00.300",
            ["Alpaca__StreamMaxReconnectDelay"] = "00:00:01.500",
        });
        var clock = stack.Sim.Services.GetRequiredService<SimulatedClock>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        using (var track = await stack.Client.PutAsJsonAsync("/symbols/SPY/tracking", new { trades = true, quotes = true }, timeout.Token))
            Assert.Equal(HttpStatusCode.OK, track.StatusCode);

        // Three drops, each a simulated minute or two without a connection.
        while (agent.Output.Count(line => line.Contains("Stream disconnected", StringComparison.Ordinal)) < 3)
        {
            Assert.False(timeout.IsCancellationRequested, agent.Tail());
            await Task.Delay(500);
        }
        // Each connection's hole is filled from the REST API once its first tick streams; the third
        // fill of each dataset closes everything before its end (the first one reaches back to the open).
        DateTimeOffset to;
        while (true)
        {
            var quoteFills = FillEnds(agent.Output, "quotes");
            var tradeFills = FillEnds(agent.Output, "trades");
            if (quoteFills.Count >= 3 && tradeFills.Count >= 3)
            {
                // A microsecond before: the store reads whole microseconds, and the fill's end shares one with the first streamed tick.
                to = (quoteFills[2] < tradeFills[2] ? quoteFills[2] : tradeFills[2]).AddTicks(-10);
                break;
            }
            Assert.False(timeout.IsCancellationRequested, agent.Tail());
            await Task.Delay(200);
        }
        var spy = Symbol.Parse("SPY");
        var day = NyseCalendar.GetTradingDay(NewYorkTime.DateOf(to))!;
        var trades = stack.Gateway.Services.GetRequiredService<TradeStore>();
        var quotes = stack.Gateway.Services.GetRequiredService<QuoteStore>();
        await AssertEventuallyEqualAsync(stack.Market.GetTrades("SPY", "iex", day.SessionOpenUtc, to), async () => await trades.ReadAsync(spy, day.SessionOpenUtc, to, 1_000_000));
        await AssertEventuallyEqualAsync(stack.Market.GetQuotes("SPY", "iex", day.SessionOpenUtc, to), async () => (await quotes.ReadAsync(spy, day.SessionOpenUtc, to, 1_000_000)).Select(q => q.Quote));
    }

    // The ends of the agent's completed tick fills of a dataset, earliest first (from its log lines).
    private static List<DateTimeOffset> FillEnds(IEnumerable<string> output, string dataset) =>
        [.. output.Where(line => line.Contains($"Filled the stream's hole in SPY {dataset}", StringComparison.Ordinal))
            .Select(line => System.Text.RegularExpressions.Regex.Match(line, @" to (\d{4}-\d\d-\d\dT[\d:.]+Z)").Groups[1].Value)
            .Where(end => end.Length > 0)
            .Select(end => NanoTime.Parse(end).Microsecond)
            .Order()];

    [Fact]
    public async Task A_stream_dropped_ten_times_leaves_the_stored_minutes_equal_to_the_ground_truth_none_missing_none_twice()
    {
        var dropping = new Dictionary<string, string?>(AcceleratedMarket) { ["MarketSim:Faults:StreamDropAfter"] = "00:00:03" };
        await using var stack = await PlatformStack.StartAsync(simSettings: dropping);
        var agent = await stack.StartLiveStreamAsync(new()
        {
            ["Alpaca__StreamReconnectDelay"] = "00:00:00.300",
            ["Alpaca__StreamMaxReconnectDelay"] = "00:00:01.500",
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        foreach (var symbol in new[] { "SPY", "QQQ" })
            Assert.Equal(HttpStatusCode.OK, (await stack.Client.PutAsync($"/symbols/{symbol}/tracking", null, timeout.Token)).StatusCode);

        // Ten drops, each leaving a hole of a simulated minute or two while the agent reconnects.
        while (agent.Output.Count(line => line.Contains("Stream disconnected", StringComparison.Ordinal)) < 10)
        {
            Assert.False(timeout.IsCancellationRequested, agent.Tail());
            await Task.Delay(500);
        }
        foreach (var symbol in new[] { "SPY", "QQQ" })
        {
            var stored = await AssertStoredMinutesSettleToTruthAsync(stack, symbol, TimeSpan.FromSeconds(30));
            Assert.True(stored.Count > 20, $"{symbol}: {stored.Count} minutes");
        }
        var filled = agent.Output.Count(line => line.Contains("Filled the stream's hole", StringComparison.Ordinal));
        Assert.True(filled >= 10, $"only {filled} holes filled:\n{agent.Tail(60)}");
    }

    [Fact]
    public async Task Of_two_instances_one_streams_and_when_it_is_killed_the_other_takes_over_within_seconds_leaving_no_hole()
    {
        await using var stack = await PlatformStack.StartAsync(simSettings: AcceleratedMarket);
        var first = await stack.StartLiveStreamAsync();
        var second = await stack.StartLiveStreamAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        Assert.Equal(HttpStatusCode.OK, (await stack.Client.PutAsync("/symbols/SPY/tracking", null, timeout.Token)).StatusCode);

        static bool Leads(ServiceProcess agent) => agent.Output.Any(line => line.Contains("Leading: streaming", StringComparison.Ordinal));
        while (!Leads(first) && !Leads(second))
        {
            Assert.False(timeout.IsCancellationRequested, first.Tail() + "\n---\n" + second.Tail());
            await Task.Delay(200);
        }
        await Task.Delay(TimeSpan.FromSeconds(5), timeout.Token);
        Assert.True(Leads(first) ^ Leads(second), "both instances lead");
        // On MarketSim's side: one connection open, and the standby never even tried (no 406).
        var hub = stack.Sim.Services.GetRequiredService<StreamHub>();
        Assert.Equal((1, 0), (hub.Active.Length, hub.Refused));
        var (leader, standby) = Leads(first) ? (first, second) : (second, first);
        var before = await stack.CountBarsAsync("SPY");
        Assert.True(before > 0, leader.Tail());

        leader.Kill();
        var killedAt = DateTime.UtcNow;
        while (!Leads(standby))
        {
            Assert.False(timeout.IsCancellationRequested, standby.Tail());
            await Task.Delay(100);
        }
        var takeover = DateTime.UtcNow - killedAt;
        Assert.True(takeover < TimeSpan.FromSeconds(15), $"took over after {takeover.TotalSeconds:0.0} s");

        // Streaming again (the killed leader's connection gone from MarketSim, the new one alone), and the minutes of the changeover were filled: no hole.
        // MarketSim forgets the killed socket and counts the new one when each is done; wait for that, not for a fixed time.
        await Task.Delay(TimeSpan.FromSeconds(6), timeout.Token);
        while (hub.Active.Length != 1 && !timeout.IsCancellationRequested) await Task.Delay(200);
        Assert.Equal((1, 0), (hub.Active.Length, hub.Refused));
        var stored = await AssertStoredMinutesSettleToTruthAsync(stack, "SPY", TimeSpan.FromSeconds(30));
        Assert.True(stored.Count > before + 3, $"{stored.Count} minutes, {before} before the kill");
    }

    [Fact]
    public async Task A_leader_killed_while_it_fills_a_hole_leaves_the_hole_to_the_next_one_so_no_minute_is_lost()
    {
        await using var stack = await PlatformStack.StartAsync(simSettings: AcceleratedMarket);
        // A reconnect four seconds (simulated minutes) after a drop: a hole longer than the two
        // minutes a reconnect fetches again anyway.
        var reconnecting = new Dictionary<string, string>
        {
            ["Alpaca__StreamReconnectDelay"] = "00:00:04",
            ["Alpaca__StreamMaxReconnectDelay"] = "00:00:04",
        };
        var first = await stack.StartLiveStreamAsync(reconnecting);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        Assert.Equal(HttpStatusCode.OK, (await stack.Client.PutAsync("/symbols/SPY/tracking", null, timeout.Token)).StatusCode);
        static int Count(ServiceProcess agent, string text) => agent.Output.Count(line => line.Contains(text, StringComparison.Ordinal));
        while (await stack.CountBarsAsync("SPY") < 3 || Count(first, "Filled the stream's hole") < 1)
        {
            Assert.False(timeout.IsCancellationRequested, first.Tail());
            await Task.Delay(200);
        }

        // REST answers 429 until further notice, so the hole the drop leaves cannot be filled; the
        // stream's new minutes are stored meanwhile, past the hole.
        var faults = stack.Sim.Services.GetRequiredService<RuntimeFaults>();
        faults.StartBurst(429, TimeSpan.FromMinutes(2));
        var before = await stack.CountBarsAsync("SPY");
        Assert.Equal(1, faults.DropStreams());
        while (Count(first, "Stream connected") < 2)
        {
            Assert.False(timeout.IsCancellationRequested, first.Tail());
            await Task.Delay(200);
        }
        while (await stack.CountBarsAsync("SPY") < before + 4)
        {
            Assert.False(timeout.IsCancellationRequested, first.Tail());
            await Task.Delay(200);
        }
        Assert.Equal(1, Count(first, "Filled the stream's hole"));
        first.Kill();
        faults.StopBurst();

        var second = await stack.StartLiveStreamAsync(reconnecting);
        while (Count(second, "Filled the stream's hole") < 1)
        {
            Assert.False(timeout.IsCancellationRequested, second.Tail());
            await Task.Delay(200);
        }
        await AssertStoredMinutesSettleToTruthAsync(stack, "SPY", TimeSpan.FromSeconds(30));
        Assert.Contains(second.Output, line => line.Contains("refills pending", StringComparison.Ordinal));
        // Every pending refill was stored, and cleared (just after its minutes were).
        await using var dataSource = NpgsqlDataSource.Create(stack.ConnectionString);
        await using var pending = dataSource.CreateCommand("SELECT count(*) FROM live_refills");
        while ((long)(await pending.ExecuteScalarAsync(timeout.Token))! != 0)
        {
            Assert.False(timeout.IsCancellationRequested, second.Tail());
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task A_batch_the_store_refuses_is_fetched_again_so_the_stored_minutes_equal_the_ground_truth()
    {
        await using var stack = await PlatformStack.StartAsync(simSettings: AcceleratedMarket);
        var agent = await stack.StartLiveStreamAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        foreach (var symbol in new[] { "SPY", "QQQ" })
            Assert.Equal(HttpStatusCode.OK, (await stack.Client.PutAsync($"/symbols/{symbol}/tracking", null, timeout.Token)).StatusCode);
        while (await stack.CountBarsAsync("QQQ") < 3)
        {
            Assert.False(timeout.IsCancellationRequested, agent.Tail());
            await Task.Delay(200);
        }

        // For three seconds (three simulated minutes) every write to bars_1m fails, and not in a way worth retrying.
        await using var dataSource = NpgsqlDataSource.Create(stack.ConnectionString);
        await using (var reject = dataSource.CreateCommand("""
            CREATE FUNCTION e2e_reject_bars() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
            CREATE TRIGGER e2e_reject_bars BEFORE INSERT OR UPDATE ON bars_1m FOR EACH ROW EXECUTE FUNCTION e2e_reject_bars();
            """))
            await reject.ExecuteNonQueryAsync(timeout.Token);
        while (!agent.Output.Any(line => line.Contains("Could not store", StringComparison.Ordinal)))
        {
            Assert.False(timeout.IsCancellationRequested, agent.Tail());
            await Task.Delay(100);
        }
        await Task.Delay(TimeSpan.FromSeconds(3), timeout.Token);
        await using (var accept = dataSource.CreateCommand("DROP TRIGGER e2e_reject_bars ON bars_1m"))
            await accept.ExecuteNonQueryAsync(timeout.Token);

        // Later minutes are stored at once; the refused ones once their refill's next attempt comes (a few seconds).
        foreach (var symbol in new[] { "SPY", "QQQ" })
            await AssertStoredMinutesSettleToTruthAsync(stack, symbol, TimeSpan.FromSeconds(40));
        Assert.Contains(agent.Output, line => line.Contains("that the store refused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stream_gone_silent_is_reported_stalled_until_bars_flow_again_after_a_reconnect_leaving_no_hole()
    {
        // Every connection goes silent four seconds after it opened (the socket stays up, nothing is sent).
        var silent = new Dictionary<string, string?>(AcceleratedMarket) { ["MarketSim:Faults:StreamSilenceAfter"] = "00:00:04" };
        await using var stack = await PlatformStack.StartAsync(simSettings: silent);
        var agent = await stack.StartLiveStreamAsync(new()
        {
            ["LiveStream__StallTimeout"] = "00:00:02",
            // The simulated market is open; this machine's clock may say otherwise.
            ["LiveStream__StallOnlyInMarketHours"] = "false",
            ["Agent__HeartbeatInterval"] = "00:00:00.250",
            ["Alpaca__StreamReconnectDelay"] = "00:00:01",
            ["Alpaca__StreamMaxReconnectDelay"] = "00:00:02",
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        Assert.Equal(HttpStatusCode.OK, (await stack.Client.PutAsync("/symbols/SPY/tracking", null, timeout.Token)).StatusCode);

        // Streaming, then stalled (as GET /agents shows it), then streaming again on a new connection.
        var seen = new List<string>();
        JsonElement livestream = default;
        while (!(seen.Contains("stalled") && seen[^1] == "streaming" && seen.IndexOf("stalled") < seen.LastIndexOf("streaming")))
        {
            Assert.False(timeout.IsCancellationRequested, $"{string.Join(" > ", seen)}\n{agent.Tail()}");
            var agents = (await stack.GetJsonAsync("/agents")).GetProperty("agents").EnumerateArray().Where(a => a.GetProperty("agent").GetString() == "livestream").ToList();
            if (agents is [var only])
            {
                livestream = only;
                var state = only.GetProperty("state").GetString()!;
                if (seen.Count == 0 || seen[^1] != state) seen.Add(state);
            }
            await Task.Delay(100);
        }
        Assert.True(livestream.GetProperty("counters").GetProperty("stalls").GetInt64() >= 1, livestream.ToString());
        Assert.Contains(agent.Output, line => line.Contains("silent for", StringComparison.Ordinal) && line.Contains("reconnecting", StringComparison.Ordinal));

        // The silent minutes were filled over REST after the reconnect: no hole.
        var stored = await AssertStoredMinutesSettleToTruthAsync(stack, "SPY", TimeSpan.FromSeconds(30));
        Assert.True(stored.Count >= 10, $"{stored.Count} minutes");
    }

    [Fact]
    public async Task A_stream_closed_as_a_slow_client_with_407_reconnects_and_leaves_no_hole()
    {
        var slow = new Dictionary<string, string?>(AcceleratedMarket) { ["MarketSim:Faults:StreamSlowClientAfter"] = "00:00:03" };
        await using var stack = await PlatformStack.StartAsync(simSettings: slow);
        var agent = await stack.StartLiveStreamAsync(new()
        {
            ["Alpaca__StreamReconnectDelay"] = "00:00:00.300",
            ["Alpaca__StreamMaxReconnectDelay"] = "00:00:01.500",
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        Assert.Equal(HttpStatusCode.OK, (await stack.Client.PutAsync("/symbols/SPY/tracking", null, timeout.Token)).StatusCode);

        while (agent.Output.Count(line => line.Contains("Stream disconnected", StringComparison.Ordinal)) < 3)
        {
            Assert.False(timeout.IsCancellationRequested, agent.Tail());
            await Task.Delay(500);
        }
        var sim = stack.Sim.Services.GetRequiredService<StreamHub>();
        Assert.True(sim.Opened >= 3, $"{sim.Opened} connections");
        await AssertStoredMinutesSettleToTruthAsync(stack, "SPY", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_symbol_tracked_without_its_bus_message_is_subscribed_by_the_periodic_resync()
    {
        await using var stack = await PlatformStack.StartAsync(simSettings: AcceleratedMarket);
        var agent = await stack.StartLiveStreamAsync(new() { ["LiveStream__ResyncInterval"] = "00:00:01" });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        Assert.Equal(HttpStatusCode.OK, (await stack.Client.PutAsync("/symbols/SPY/tracking", null, timeout.Token)).StatusCode);

        // Straight into the table: no TrackSymbol message is ever published for QQQ.
        await using (var dataSource = NpgsqlDataSource.Create(stack.ConnectionString))
        await using (var insert = dataSource.CreateCommand("INSERT INTO tracked_symbols (symbol) VALUES ('QQQ')"))
            await insert.ExecuteNonQueryAsync(timeout.Token);
        while (await stack.CountBarsAsync("QQQ") < 5)
        {
            Assert.False(timeout.IsCancellationRequested, agent.Tail());
            await Task.Delay(200);
        }
        Assert.Contains(agent.Output, line => line.Contains("differed from tracked_symbols", StringComparison.Ordinal));
    }

    /// <summary>
    /// Reads until what is stored equals <paramref name="expected"/>, and asserts it at the deadline:
    /// streamed ticks are written in batches, and on a loaded machine the range's last batch may
    /// land a moment after the test looks. Ticks stored twice or never stay, and fail.
    /// </summary>
    private static async Task AssertEventuallyEqualAsync<T>(IReadOnlyList<T> expected, Func<Task<IEnumerable<T>>> read)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var stored = (await read()).ToList();
            if (expected.SequenceEqual(stored) || DateTime.UtcNow > deadline)
            {
                Assert.Equal(expected, stored);
                return;
            }
            await Task.Delay(250);
        }
    }

    /// <summary>
    /// Waits until the day's stored minutes of <paramref name="symbol"/>, up to two before the newest
    /// (those may still wait for their correction), reach past MarketSim's time now (called after
    /// the faults, so their holes are among them) and equal MarketSim's ground truth; asserts both
    /// at the deadline. Polled, not read once after a fixed wait: a reconnect's first
    /// minute is stored a moment before the fill of the hole in front of it, so any one read may fall
    /// in between; a hole never filled stays, and fails with the difference.
    /// </summary>
    private static async Task<List<Bar>> AssertStoredMinutesSettleToTruthAsync(PlatformStack stack, string symbol, TimeSpan within)
    {
        var past = stack.Sim.Services.GetRequiredService<SimulatedClock>().Now;
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var stored = await stack.ReadMinutesAsync(symbol, "2025-03-05", "2025-03-05");
            Assert.NotEmpty(stored);
            var settled = stored[^1].Timestamp.AddMinutes(-2);
            var truth = stack.Market.GetBars(symbol, "iex", BarInterval.OneMinute, stored[0].Timestamp, settled);
            var kept = stored.Where(b => b.Timestamp <= settled).ToList();
            if ((settled > past && truth.SequenceEqual(kept)) || DateTime.UtcNow > deadline)
            {
                Assert.True(settled > past, $"{symbol}: the settled minutes end at {settled:O}, not past {past:O}");
                Assert.Equal(truth, kept);
                return stored;
            }
            await Task.Delay(250);
        }
    }

    private static async Task ReadAsync(Stream body, ConcurrentQueue<LiveBar> received, SimulatedClock clock, CancellationToken cancellationToken)
    {
        await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellationToken))
        {
            if (!item.EventType.StartsWith("bar.", StringComparison.Ordinal)) continue;
            using var json = JsonDocument.Parse(item.Data);
            var data = json.RootElement.Clone();
            var minute = data.GetProperty("timestamp").GetDateTimeOffset();
            received.Enqueue(new LiveBar(item.EventType, minute, data, (clock.Now - minute.AddMinutes(1)) / clock.Speed));
        }
    }
}
