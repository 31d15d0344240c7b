using System.Collections.Concurrent;
using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.IntegrationTests.EndToEnd;

/// <summary>
/// The live updater against MarketSim's stream on an accelerated clock (a simulated minute a
/// second): tracking a symbol through the gateway streams its minutes into PostgreSQL and onto
/// <c>GET /events</c>, updated bars replace what they correct, the stored minutes equal
/// MarketSim's ground truth, and untracking stops them, all without restarting the agent.
/// </summary>
public sealed class LiveStreamEndToEndTests
{
    private static readonly Dictionary<string, string?> AcceleratedMarket = new()
    {
        ["MarketSim:Stream:Speed"] = "60",
        ["MarketSim:Stream:Start"] = "2025-03-05T15:00:00Z", // a Wednesday, 10:00 in New York
    };

    private sealed record LiveBar(string Kind, DateTimeOffset Timestamp, JsonElement Data, DateTime ReceivedAt);

    [Fact]
    public async Task Tracking_a_symbol_streams_its_minutes_to_postgresql_and_events_corrections_replace_and_untracking_stops_them()
    {
        await using var stack = await PlatformStack.StartAsync(simSettings: AcceleratedMarket);
        await stack.StartLiveStreamAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        using var events = stack.Gateway.CreateClient();
        using var stream = await events.GetAsync("/events?symbol=SPY&kind=bar", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var received = new ConcurrentQueue<LiveBar>();
        var reading = ReadAsync(await stream.Content.ReadAsStreamAsync(timeout.Token), received, timeout.Token);

        using (var track = await stack.Client.PutAsync("/symbols/SPY/tracking", null, timeout.Token))
        {
            Assert.Equal(HttpStatusCode.OK, track.StatusCode);
            Assert.True(JsonDocument.Parse(await track.Content.ReadAsStringAsync(timeout.Token)).RootElement.GetProperty("tracked").GetBoolean());
        }
        var tracked = await stack.GetJsonAsync("/symbols?tracked=true");
        Assert.Contains(tracked.GetProperty("symbols").EnumerateArray(), s => s.GetProperty("symbol").GetString() == "SPY");

        // Minutes arrive one a second, corrections half a minute after the bars they correct.
        while (!(received.Count(b => b.Kind == "bar.new") >= 12 && received.Any(b => b.Kind == "bar.correction")))
        {
            Assert.False(timeout.IsCancellationRequested, $"after {received.Count} events: {string.Join(", ", received.Select(b => b.Kind))}");
            await Task.Delay(200, timeout.Token);
        }

        // Every streamed minute is stored as its last version, and equals what MarketSim's REST serves for it.
        var bars = received.ToList();
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

    private static async Task ReadAsync(Stream body, ConcurrentQueue<LiveBar> received, CancellationToken cancellationToken)
    {
        await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellationToken))
        {
            if (!item.EventType.StartsWith("bar.", StringComparison.Ordinal)) continue;
            using var json = JsonDocument.Parse(item.Data);
            var data = json.RootElement.Clone();
            received.Enqueue(new LiveBar(item.EventType, data.GetProperty("timestamp").GetDateTimeOffset(), data, DateTime.UtcNow));
        }
    }
}
