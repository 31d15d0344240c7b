using System.Diagnostics;
using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using StockPlatform.ServiceDefaults.Agents;
using StockPlatform.ServiceDefaults.Logging;
using StockPlatform.ServiceDefaults.Logging.Shipping;
using StockPlatform.Storage.Logs;
using StockPlatform.Testing;

namespace StockPlatform.IntegrationTests.Gateway;

/// <summary>
/// <c>GET /logs</c> and the live tail on <c>GET /events</c> through the whole gateway on a real
/// database: the contract's fields, every filter, paging with tokens bound to their query, new
/// records arriving as <c>log</c> events (and history not replayed), and a clean shutdown that
/// writes what was still queued.
/// </summary>
public sealed class LogsApiTests : IAsyncLifetime
{
    private const string Key = "logs-test-key";

    // The seeded history is from 2024: kept, not swept away by the plain path's retention at start-up.
    private static readonly (string, string) KeepHistory = ("Storage:LogRetention", "3650.00:00:00");
    private static readonly DateTimeOffset Start = new(2024, 3, 4, 14, 30, 0, TimeSpan.Zero);
    private static readonly string[] ContractFields =
        ["id", "timestamp", "level", "agent", "instance", "category", "symbol", "stage", "message", "trace_id", "span_id", "exception", "props"];

    private ThrowawayDatabase _database = null!;
    private WebApplicationFactory<Program> _gateway = null!;
    private HttpClient _client = null!;
    private List<LogRecord> _seeded = null!;

    public async Task InitializeAsync()
    {
        _database = await ThrowawayDatabase.CreateAsync(TestServers.PostgresConnectionString, "logs_", TestServers.Hint);

        // The history is written by an earlier gateway, so the one under test starts after it.
        _seeded = [.. Enumerable.Range(0, 240).Select(Seed)];
        await using (var earlier = InProcessGateway.Create(_database.ConnectionString, "logs", Key, KeepHistory))
        {
            await earlier.Services.GetRequiredService<LogStore>().WriteAsync(_seeded, CancellationToken.None);
        }
        _gateway = InProcessGateway.Create(_database.ConnectionString, "logs", Key, KeepHistory);
        _client = _gateway.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _database.DisposeAsync();
    }

    // Two agents of the tests' own (the gateway's own records are agent "gateway"), every level, three symbols, two per second.
    private static LogRecord Seed(int i) => new(
        Start.AddMilliseconds(i * 500).AddTicks(i * 10), (LogLevel)(i % 6), i % 2 == 0 ? "test-a" : "test-b", "host-1-ab12",
        "StockPlatform.Tests.Seeded", (i % 3) switch { 0 => "SPY", 1 => "QQQ", _ => null }, i % 4 == 0 ? "fetch" : null,
        $"seeded {i}" + (i % 10 == 0 ? " Connection TIMEOUT" : string.Empty), $"{i:x32}", $"{i:x16}", i % 9 == 0 ? "System.Exception: seeded" : null,
        i % 2 == 0 ? $$"""{"Number":{{i}}}""" : null);

    private static int Number(JsonElement log) => int.Parse(log.GetProperty("message").GetString()!.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string url)
    {
        using var response = await _client.GetAsync(url);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.Clone());
    }

    /// <summary>Every page of a query, following next_page_token.</summary>
    private async Task<(List<JsonElement> Logs, int Pages)> ReadAllAsync(string url)
    {
        var logs = new List<JsonElement>();
        string? token = null;
        var pages = 0;
        do
        {
            var (status, body) = await GetAsync(url + (token is null ? string.Empty : $"&page_token={Uri.EscapeDataString(token)}"));
            Assert.True(status == HttpStatusCode.OK, $"{url}: {(int)status} {body}");
            pages++;
            logs.AddRange(body.GetProperty("logs").EnumerateArray());
            token = body.GetProperty("next_page_token").GetString();
        }
        while (token is not null);
        return (logs, pages);
    }

    [Fact]
    public async Task A_log_record_is_served_with_exactly_the_contract_fields_newest_first()
    {
        var (status, body) = await GetAsync("/logs?agent=test-a&limit=3");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["logs", "next_page_token"], body.EnumerateObject().Select(p => p.Name));
        var logs = body.GetProperty("logs").EnumerateArray().ToList();
        Assert.Equal([238, 236, 234], logs.Select(Number));
        Assert.All(logs, log => Assert.Equal(ContractFields, log.EnumerateObject().Select(p => p.Name)));
        var first = logs[0];
        var seeded = _seeded[238];
        Assert.True(first.GetProperty("id").GetInt64() > logs[1].GetProperty("id").GetInt64());
        Assert.Equal(seeded.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture), first.GetProperty("timestamp").GetString());
        Assert.Equal(seeded.Level.ToString(), first.GetProperty("level").GetString());
        Assert.Equal(("test-a", "host-1-ab12", "StockPlatform.Tests.Seeded", "QQQ"),
            (first.GetProperty("agent").GetString(), first.GetProperty("instance").GetString(), first.GetProperty("category").GetString(), first.GetProperty("symbol").GetString()));
        Assert.Equal(JsonValueKind.Null, first.GetProperty("stage").ValueKind);
        Assert.Equal((seeded.TraceId, seeded.SpanId), (first.GetProperty("trace_id").GetString(), first.GetProperty("span_id").GetString()));
        Assert.Equal(JsonValueKind.Null, first.GetProperty("exception").ValueKind);
        Assert.Equal(238, first.GetProperty("props").GetProperty("Number").GetInt32());
        Assert.NotNull(body.GetProperty("next_page_token").GetString());
    }

    [Theory]
    [InlineData("agent=test-b")]
    [InlineData("level=warning")]
    [InlineData("level=Critical&agent=test-a")]
    [InlineData("symbol=spy")]
    [InlineData("symbol=QQQ&level=Information&agent=test-b")]
    [InlineData("since=2024-03-04T14:30:30Z&until=2024-03-04T14:31:00Z")]
    [InlineData("since=2024-03-04T14:30:30Z&agent=test-a")]
    [InlineData("q=timeout")]
    [InlineData("q=connection%20time&symbol=SPY")]
    [InlineData("agent=nobody")]
    public async Task Every_filter_narrows_the_logs_and_the_pages_follow_their_tokens_to_the_end(string filter)
    {
        var parameters = filter.Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        bool Matches(LogRecord r) =>
            (!parameters.TryGetValue("agent", out var agent) || r.Agent == agent)
            && (!parameters.TryGetValue("level", out var level) || r.Level >= Enum.Parse<LogLevel>(level, ignoreCase: true))
            && (!parameters.TryGetValue("symbol", out var symbol) || r.Symbol == symbol.ToUpperInvariant())
            && (!parameters.TryGetValue("since", out var since) || r.Timestamp >= DateTimeOffset.Parse(since, System.Globalization.CultureInfo.InvariantCulture))
            && (!parameters.TryGetValue("until", out var until) || r.Timestamp <= DateTimeOffset.Parse(until, System.Globalization.CultureInfo.InvariantCulture))
            && (!parameters.TryGetValue("q", out var q) || r.Message.Contains(q, StringComparison.OrdinalIgnoreCase));
        var expected = _seeded.Select((r, i) => (r, i)).Where(x => Matches(x.r)).OrderByDescending(x => x.r.Timestamp).Select(x => x.i).ToList();

        // The gateway's own records (agent "gateway") are left out by asking for the seeded category's agents only when no agent is named.
        var (logs, pages) = await ReadAllAsync($"/logs?{filter}&limit=7");
        var seeded = logs.Where(l => l.GetProperty("category").GetString() == "StockPlatform.Tests.Seeded").ToList();

        Assert.Equal(expected, seeded.Select(Number));
        Assert.Equal(Math.Max(1, (int)Math.Ceiling(logs.Count / 7.0)), pages);
        var order = logs.Select(l => (DateTime.Parse(l.GetProperty("timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal), l.GetProperty("id").GetInt64())).ToList();
        Assert.Equal(order.OrderByDescending(o => o.Item1).ThenByDescending(o => o.Item2), order);
    }

    [Fact]
    public async Task A_page_token_resumes_only_the_query_that_issued_it()
    {
        var (_, first) = await GetAsync("/logs?agent=test-a&level=Warning&limit=5");
        var token = Uri.EscapeDataString(first.GetProperty("next_page_token").GetString()!);

        var (sameQuery, next) = await GetAsync($"/logs?agent=test-a&level=warning&limit=50&page_token={token}");
        var (otherAgent, refused) = await GetAsync($"/logs?agent=test-b&level=Warning&limit=5&page_token={token}");
        var (otherText, refusedToo) = await GetAsync($"/logs?agent=test-a&level=Warning&q=x&limit=5&page_token={token}");
        var (barsToken, _) = await GetAsync($"/bars/SPY?start=2024-03-04&page_token={token}");

        Assert.Equal(HttpStatusCode.OK, sameQuery);
        var all = _seeded.Select((r, i) => (r, i)).Where(x => x.r.Agent == "test-a" && x.r.Level >= LogLevel.Warning).OrderByDescending(x => x.r.Timestamp).Select(x => x.i).ToList();
        Assert.Equal(all.Skip(5), next.GetProperty("logs").EnumerateArray().Select(Number));
        Assert.Equal(HttpStatusCode.BadRequest, otherAgent);
        Assert.True(refused.GetProperty("errors").TryGetProperty("page_token", out _));
        Assert.Equal(HttpStatusCode.BadRequest, otherText);
        Assert.True(refusedToo.GetProperty("errors").TryGetProperty("page_token", out _));
        Assert.Equal(HttpStatusCode.BadRequest, barsToken);
    }

    [Fact]
    public async Task New_log_records_arrive_live_on_the_event_stream_as_get_logs_shows_them_and_history_is_not_replayed()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        // From the start of the gateway's buffer: a tail that replayed history would show the seeded records here.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/events?kind=log");
        request.Headers.Add("Last-Event-ID", "0");
        using var stream = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);

        var logger = _gateway.Services.GetRequiredService<ILoggerFactory>().CreateLogger("StockPlatform.Tests.Tail");
        using (logger.BeginWorkScope(symbol: "TAIL", stage: "tail"))
        {
            logger.LogWarning("A record for the live tail with {Count} fields", 3);
        }

        var events = new List<(string Type, JsonElement Data)>();
        await foreach (var item in SseParser.Create(await stream.Content.ReadAsStreamAsync(timeout.Token)).EnumerateAsync(timeout.Token))
        {
            if (item.EventType is "heartbeat" or "gap") continue;
            using var json = JsonDocument.Parse(item.Data);
            events.Add((item.EventType, json.RootElement.Clone()));
            if (json.RootElement.TryGetProperty("symbol", out var symbol) && symbol.GetString() == "TAIL") break;
        }

        Assert.All(events, e => Assert.Equal("log", e.Type));
        Assert.DoesNotContain(events, e => e.Data.GetProperty("category").GetString() == "StockPlatform.Tests.Seeded");
        var live = events[^1].Data;
        Assert.Equal(ContractFields, live.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("gateway", "tail", "Warning"), (live.GetProperty("agent").GetString(), live.GetProperty("stage").GetString(), live.GetProperty("level").GetString()));
        Assert.Equal(_gateway.Services.GetRequiredService<AgentIdentity>().Instance, live.GetProperty("instance").GetString());
        // The same record as GET /logs serves it.
        var (_, page) = await GetAsync("/logs?symbol=TAIL");
        Assert.Equal(page.GetProperty("logs")[0].GetRawText(), live.GetRawText());
    }

    [Fact]
    public async Task A_clean_shutdown_writes_the_records_still_queued()
    {
        await using var database = await ThrowawayDatabase.CreateAsync(TestServers.PostgresConnectionString, "logs_", TestServers.Hint);
        // Nothing is written before the shutdown: a batch would wait a minute to fill.
        var gateway = InProcessGateway.Create(database.ConnectionString, "logs", Key, ("Logging:Database:FlushInterval", "00:01:00"), ("Logging:Database:BatchSize", "100000"));
        await using (gateway)
        {
            var logger = gateway.Services.GetRequiredService<ILoggerFactory>().CreateLogger("StockPlatform.Tests.Drain");
            for (var i = 0; i < 500; i++) logger.LogInformation("queued {Number}", i);
            await Task.Delay(300);
        }

        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await using var command = dataSource.CreateCommand("SELECT count(DISTINCT message) FROM logs WHERE category = 'StockPlatform.Tests.Drain'");
        Assert.Equal(500L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task The_api_document_describes_get_logs_with_an_example()
    {
        var (status, document) = await GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, status);
        var get = document.GetProperty("paths").GetProperty("/logs").GetProperty("get");
        Assert.Equal(["agent", "level", "symbol", "since", "until", "q", "limit", "page_token"], get.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        var schema = get.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        var example = document.GetProperty("components").GetProperty("schemas").GetProperty(schema.GetProperty("$ref").GetString()!.Split('/')[^1]).GetProperty("examples")[0];
        Assert.Equal(ContractFields, example.GetProperty("logs")[0].EnumerateObject().Select(p => p.Name));
        Assert.True(get.GetProperty("responses").TryGetProperty("400", out _));
    }
}
