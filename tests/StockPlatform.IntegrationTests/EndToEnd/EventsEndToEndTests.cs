using System.Net.ServerSentEvents;
using System.Text.Json;

namespace StockPlatform.IntegrationTests.EndToEnd;

/// <summary><c>GET /events</c> through the gateway while a real job runs: progress in order, completion, and a reconnect that misses nothing.</summary>
public class EventsEndToEndTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_client_sees_a_jobs_progress_in_order_then_its_completion_and_a_reconnect_with_last_event_id_misses_nothing()
    {
        await using var stack = await PlatformStack.StartAsync(windowDays: 2);
        using var timeout = new CancellationTokenSource(Patience);
        using var client = stack.Gateway.CreateClient();

        // Subscribed first (headers may wait for the first event), then the jobs start.
        var subscribing = client.GetAsync("/events?symbol=AAPL&kind=job", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        await Task.Delay(TimeSpan.FromSeconds(1), timeout.Token);
        var other = await stack.IngestAsync("QQQ", "2024-11-18", "2024-11-22"); // filtered out by symbol
        var id = await stack.IngestAsync("AAPL", "2024-11-18", "2024-11-22");
        using var stream = await subscribing;
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        // Tests share one broker, so other tests' AAPL jobs may show up too: follow this job's events.
        var all = await ReadUntilAsync(await stream.Content.ReadAsStreamAsync(timeout.Token), id, timeout.Token);
        Assert.All(all, e => Assert.Equal("AAPL", e.Data.GetProperty("symbol").GetString()));
        var seen = all.Where(e => e.Data.GetProperty("job_id").GetString() == id.ToString()).ToList();

        var progress = seen.Where(e => e.Type == "job.progress").Select(e => e.Data.GetProperty("sessions_done").GetInt32()).ToList();
        Assert.NotEmpty(progress);
        Assert.Equal(progress.Order(), progress); // in order
        Assert.Equal("job.completed", seen[^1].Type);
        Assert.Equal(5, seen[^1].Data.GetProperty("sessions_total").GetInt32());
        Assert.Equal(seen.Select(e => long.Parse(e.Id)).Order(), seen.Select(e => long.Parse(e.Id)));
        Assert.DoesNotContain(all, e => e.Data.GetProperty("job_id").GetString() == other.ToString());

        // Reconnect as a browser would after a drop: everything after the first event comes again.
        using var again = new HttpRequestMessage(HttpMethod.Get, "/events?symbol=AAPL&kind=job");
        again.Headers.Add("Last-Event-ID", all[0].Id);
        using var resumed = await client.SendAsync(again, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var replayed = await ReadUntilAsync(await resumed.Content.ReadAsStreamAsync(timeout.Token), id, timeout.Token);
        Assert.Equal(all.Skip(1).Select(e => (e.Id, e.Type)), replayed.Select(e => (e.Id, e.Type)));
    }

    private sealed record Event(string Id, string Type, JsonElement Data);

    /// <summary>Every job event until the completion of <paramref name="job"/>.</summary>
    private static async Task<List<Event>> ReadUntilAsync(Stream body, Guid job, CancellationToken cancellationToken)
    {
        var events = new List<Event>();
        await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellationToken))
        {
            if (item.EventType is "heartbeat" or "gap") continue;
            using var json = JsonDocument.Parse(item.Data);
            events.Add(new Event(item.EventId ?? string.Empty, item.EventType, json.RootElement.Clone()));
            if (item.EventType == "job.completed" && events[^1].Data.GetProperty("job_id").GetString() == job.ToString()) break;
        }
        return events;
    }
}
