using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using StockPlatform.IntegrationTests.Gateway;
using StockPlatform.ServiceDefaults.Agents;
using StockPlatform.ServiceDefaults.Logging;
using StockPlatform.Testing;

namespace StockPlatform.IntegrationTests.EndToEnd;

/// <summary>
/// Log shipping between real processes and a real PostgreSQL: the records of two services land
/// in <c>logs</c> with who wrote them, their trace and their scope's fields; and a service cut off
/// from PostgreSQL (through a loopback proxy, never by stopping the shared server) keeps working,
/// then ships its backlog when the connection returns.
/// </summary>
public sealed class LogShippingEndToEndTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private sealed record Row(string Agent, string? Instance, string Category, string Level, string? Symbol, string? Stage, string Message, string? TraceId);

    private static async Task<List<Row>> RowsAsync(string connectionString, string where)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(
            $"SELECT agent, instance, category, level, symbol, stage, message, trace_id FROM logs WHERE {where} ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Row>();
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        while (await reader.ReadAsync())
            rows.Add(new Row(reader.GetString(0), Text(1), reader.GetString(2), ((LogLevel)reader.GetInt16(3)).ToString(), Text(4), Text(5), reader.GetString(6), Text(7)));
        return rows;
    }

    /// <summary>Polls until the rows matching <paramref name="where"/> satisfy <paramref name="done"/>.</summary>
    private static async Task<List<Row>> WaitForRowsAsync(string connectionString, string where, Func<List<Row>, bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var rows = await RowsAsync(connectionString, where);
            if (done(rows)) return rows;
            if (clock.Elapsed > Patience) throw new TimeoutException($"{what}: after {Patience.TotalSeconds} s, {rows.Count} rows: {string.Join(" | ", rows.Take(5))}");
            await Task.Delay(250);
        }
    }

    [Fact]
    public async Task The_logs_of_the_gateway_and_an_ingestion_agent_land_in_one_table_with_who_wrote_them_their_trace_and_their_scope()
    {
        await using var stack = await PlatformStack.StartAsync(windowDays: 7);
        var gateway = stack.Gateway.Services.GetRequiredService<AgentIdentity>();

        // The request's trace (as a caller's traceparent sets it) follows the work into the agent.
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var post = new HttpRequestMessage(HttpMethod.Post, "/ingest/SPY?start=2024-11-18&end=2024-11-20&feed=iex");
        post.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var accepted = await stack.Client.SendAsync(post);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var job = System.Text.Json.JsonDocument.Parse(await accepted.Content.ReadAsStringAsync()).RootElement.GetProperty("job_id").GetGuid();
        Assert.Equal("succeeded", (await stack.WaitForJobAsync(job, Patience)).GetProperty("status").GetString());

        // The agent's pages persisted, in its scopes: agent, symbol and stage, and the span they were written in.
        var persisted = await WaitForRowsAsync(stack.ConnectionString, "agent = 'ingestion' AND message LIKE 'Page % persisted%'", rows => rows.Count > 0, "the agent's page records");
        var page = persisted[0];
        Assert.Equal(("SPY", "fetch"), (page.Symbol, page.Stage));
        Assert.Equal("Information", page.Level);
        Assert.Equal("StockPlatform.Ingestion.Backfill.BatchBackfiller", page.Category);
        Assert.StartsWith("Page 1 SPY: ", page.Message, StringComparison.Ordinal);
        Assert.Equal(traceId, page.TraceId);
        // The agent registers no identity of its own yet (its name comes from its scope or its application); once it does, the instance names its process.
        Assert.All(persisted, row => Assert.True(row.Instance is null || row.Instance.StartsWith($"{Environment.MachineName.ToLowerInvariant()}-{stack.Agent!.ProcessId}-", StringComparison.Ordinal), row.Instance));
        var agentRows = await RowsAsync(stack.ConnectionString, "agent = 'ingestion'");
        Assert.Contains(agentRows, row => row.Category.StartsWith("MassTransit", StringComparison.Ordinal)); // outside any scope: named after the application

        // The gateway's, from the same table: its identity's name and instance.
        var gatewayRows = await WaitForRowsAsync(stack.ConnectionString, "agent = 'gateway'", rows => rows.Count > 0, "the gateway's records");
        Assert.All(gatewayRows, row => Assert.Equal(gateway.Instance, row.Instance));

        // And through the API: the agent's records about SPY.
        var api = await stack.GetJsonAsync("/logs?agent=ingestion&symbol=SPY&limit=1000");
        Assert.Contains(api.GetProperty("logs").EnumerateArray(), log => log.GetProperty("message").GetString() == page.Message);
    }

    [Fact]
    public async Task A_burst_while_postgresql_is_unreachable_neither_blocks_nor_stops_the_service_and_is_shipped_whole_when_it_returns()
    {
        await using var database = await ThrowawayDatabase.CreateAsync(TestServers.PostgresConnectionString, "logcut_", TestServers.Hint);
        var server = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        await using var proxy = LoopbackProxy.Start(server.Host!, server.Port);
        var proxied = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port }.ConnectionString;
        await using var gateway = InProcessGateway.Create(proxied, "logcut", "logcut-key",
            ("Storage:MaxAttempts", "2"),
            ("Logging:Database:RetryBaseDelay", "00:00:00.200"),
            ("Logging:Database:RetryMaxDelay", "00:00:01"),
            ("Logging:Database:WriteTimeout", "00:00:05"));
        using var client = gateway.CreateClient();
        var identity = gateway.Services.GetRequiredService<AgentIdentity>();
        // Ready (PostgreSQL through the proxy, and the broker) before the cut.
        var ready = Stopwatch.StartNew();
        while ((await client.GetAsync("/health")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(ready.Elapsed < Patience, "the gateway did not become healthy");
            await Task.Delay(250);
        }
        await WaitForRowsAsync(database.ConnectionString, "agent = 'gateway'", rows => rows.Count > 0, "the gateway's first records");
        Assert.True(proxy.Connections > 0);

        proxy.Cut();
        var logger = gateway.Services.GetRequiredService<ILoggerFactory>().CreateLogger("StockPlatform.Tests.Burst");
        var clock = Stopwatch.StartNew();
        using (logger.BeginWorkScope(symbol: "BRST", stage: "burst"))
        {
            for (var i = 0; i < 3_000; i++) logger.LogInformation("burst record {Number}", i);
        }
        clock.Stop();
        // A request that needs the database fails (500, logged in its trace); the service itself goes on.
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/jobs");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var failed = await client.SendAsync(request);
        await Task.Delay(TimeSpan.FromSeconds(2)); // a few failed writes and back-offs
        using var alive = await client.GetAsync("/alive");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"3,000 log calls took {clock.Elapsed} while PostgreSQL was unreachable");
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Empty(await RowsAsync(database.ConnectionString, "category = 'StockPlatform.Tests.Burst'"));

        proxy.Restore();
        var burst = await WaitForRowsAsync(database.ConnectionString, "category = 'StockPlatform.Tests.Burst'", rows => rows.Count >= 3_000, "the burst after the connection returned");

        Assert.Equal(Enumerable.Range(0, 3_000).Select(i => $"burst record {i}"), burst.Select(r => r.Message));
        Assert.All(burst, row => Assert.Equal(("gateway", identity.Instance, "BRST", "burst"), (row.Agent, row.Instance, row.Symbol, row.Stage)));
        var error = await WaitForRowsAsync(database.ConnectionString, $"trace_id = '{traceId}' AND level = 4", rows => rows.Count > 0, "the failed request's error");
        Assert.Equal("gateway", error[0].Agent);
        var recovered = await WaitForRowsAsync(database.ConnectionString, "message LIKE 'Shipping logs to the log store works again%'", rows => rows.Count > 0, "the recovery warning");
        Assert.Contains("0 records were dropped meanwhile", Assert.Single(recovered).Message, StringComparison.Ordinal);
    }
}
