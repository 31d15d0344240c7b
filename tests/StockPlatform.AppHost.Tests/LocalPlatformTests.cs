using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StockPlatform.AppHost.Tests.Support;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketSim.Data;
using StockPlatform.MarketSim.Options;
using StockPlatform.Testing;

namespace StockPlatform.AppHost.Tests;

/// <summary>
/// <c>dotnet run --project AppHost</c> on a machine without containers, through Aspire.Hosting.Testing:
/// the platform comes up healthy, backfills exactly, and its traces reach the dashboard.
/// </summary>
public class LocalPlatformTests(LocalPlatform platform) : IClassFixture<LocalPlatform>
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Every_resource_runs_healthy_and_the_scripts_can_see_them()
    {
        foreach (var name in LocalPlatform.ResourceNames)
        {
            Assert.True(platform.App.ResourceNotifications.TryGetCurrentState(name, out var update), $"{name} has no state");
            Assert.Equal("Running", update.Snapshot.State?.Text);
            Assert.Equal(HealthStatus.Healthy, update.Snapshot.HealthStatus);
        }

        using var version = JsonDocument.Parse(await platform.Gateway.GetStringAsync("/version"));
        Assert.Equal("MarketSim (synthetic data)", version.RootElement.GetProperty("market_data").GetString());
        Assert.Contains(version.RootElement.GetProperty("storage").GetProperty("path").GetString(), new[] { "timescaledb", "postgresql" });

        // scripts/status.sh and scripts/down.sh read these: the AppHost's pid and each resource's state.
        var run = Path.Combine(platform.DataDirectory, "run");
        Assert.Equal(Environment.ProcessId.ToString(CultureInfo.InvariantCulture), await File.ReadAllTextAsync(Path.Combine(run, "apphost.pid")));
        var rows = (await File.ReadAllLinesAsync(Path.Combine(run, "resources.tsv"))).Select(line => line.Split('\t')).ToDictionary(row => row[0]);
        foreach (var name in LocalPlatform.ResourceNames)
        {
            Assert.True(rows.TryGetValue(name, out var row), $"{name} is missing from resources.tsv");
            Assert.Equal(["Running", "Healthy"], row[2..4]);
        }
        Assert.StartsWith("http://", rows["gateway"][4]);

        // Every agent reports to the gateway: one instance each, ok, with the build it runs.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        string[] reporting;
        do
        {
            using var agents = JsonDocument.Parse(await platform.Gateway.GetStringAsync("/agents"));
            reporting = [.. agents.RootElement.GetProperty("agents").EnumerateArray()
                .Where(agent => agent.GetProperty("status").GetString() == "ok" && agent.GetProperty("version").GetString()!.StartsWith("0.", StringComparison.Ordinal))
                .Select(agent => agent.GetProperty("agent").GetString()!).Order()];
            if (reporting.SequenceEqual(["features", "ingestion", "livestream"])) break;
            await Task.Delay(500);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Equal(["features", "ingestion", "livestream"], reporting);

        // The dashboard finds the gateway by service discovery and shows what it says.
        using var dashboard = platform.App.CreateHttpClient("frontend", "http");
        var overview = await dashboard.GetStringAsync("/");
        Assert.Contains("Overview", overview, StringComparison.Ordinal);
        Assert.Contains("MarketSim is the market-data source", overview, StringComparison.Ordinal);
        Assert.DoesNotContain(platform.GatewayApiKey, overview, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backfill_queued_through_the_gateway_stores_exactly_the_bars_MarketSim_serves()
    {
        // Friday to Tuesday across the spring DST change: three sessions, two UTC offsets.
        const string from = "2025-03-07", to = "2025-03-11";

        var job = await BackfillAsync("SPY", from, to);

        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal(3, job.GetProperty("progress").GetProperty("sessions_done").GetInt32());
        var options = new MarketSimOptions();
        var truth = new SyntheticMarket(options.Seed, MarketSimOptions.DefaultLiquidSymbols)
            .GetBars("SPY", "iex", BarInterval.OneMinute, NewYorkTime.StartOfDay(DateOnly.Parse(from, CultureInfo.InvariantCulture)), NewYorkTime.StartOfDay(DateOnly.Parse(to, CultureInfo.InvariantCulture).AddDays(1)).AddTicks(-1));
        Assert.NotEmpty(truth);
        Assert.Equal(truth.Count, job.GetProperty("progress").GetProperty("bars_inserted").GetInt64());

        var stored = GatewayBars.Parse(await platform.Gateway.GetStringAsync($"/bars/SPY?interval=1m&start={from}&end={to}&limit=10000"));
        Assert.Equal(truth, stored);

        // The feature agent hears the bars arrive: the three sessions are archived (and agree with
        // the hot store) and the core features of every stored daily bar are computed.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        JsonDocument verify;
        while (true)
        {
            verify = JsonDocument.Parse(await platform.Gateway.GetStringAsync("/archive/verify?symbol=SPY"));
            if (verify.RootElement.GetProperty("ok").GetInt32() >= 3 || DateTime.UtcNow > deadline) break;
            verify.Dispose();
            await Task.Delay(500);
        }
        using (verify)
        {
            Assert.True(verify.RootElement.GetProperty("consistent").GetBoolean(), verify.RootElement.ToString());
            Assert.Equal(3, verify.RootElement.GetProperty("ok").GetInt32());
        }
        using var features = JsonDocument.Parse(await platform.Gateway.GetStringAsync($"/features/SPY?interval=1d&start={from}&end=2025-03-12"));
        var rows = features.RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(3, rows.Count);
        var daily = GatewayBars.Parse(await platform.Gateway.GetStringAsync($"/bars/SPY?interval=1d&start={from}&end={to}"));
        Assert.Equal((double)(daily[1].Close / daily[0].Close) - 1, rows[1].GetProperty("return_1").GetDouble(), 12);
        Assert.Equal(JsonValueKind.Null, rows[0].GetProperty("return_1").ValueKind);

        // A rebuild job through the gateway and the agent recomputes the same values.
        var minutes = await platform.Gateway.GetStringAsync($"/features/SPY?interval=1m&start={from}&end=2025-03-12&limit=10000");
        using var rebuild = await platform.Gateway.PostAsJsonAsync("/features/rebuild", new { symbols = new[] { "SPY" }, start = from });
        var rebuilt = await WaitForJobAsync(rebuild, "POST /features/rebuild");
        Assert.Equal("succeeded", rebuilt.GetProperty("status").GetString());
        Assert.Equal("feature-rebuild", rebuilt.GetProperty("kind").GetString());
        Assert.Equal(minutes, await platform.Gateway.GetStringAsync($"/features/SPY?interval=1m&start={from}&end=2025-03-12&limit=10000"));
    }

    [Fact]
    public async Task One_trace_follows_a_backfill_from_the_gateway_through_RabbitMQ_the_agent_s_stages_and_PostgreSQL_writes_to_the_feature_agent()
    {
        var job = await BackfillAsync("QQQ", "2025-03-03", "2025-03-04");
        Assert.Equal("succeeded", job.GetProperty("status").GetString());

        // The services export in batches: poll until the whole trace has reached the dashboard.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        IReadOnlyList<Span> trace = [];
        while (DateTime.UtcNow < deadline)
        {
            var spans = ReadSpans(await GetTelemetryAsync("/api/telemetry/traces?resource=gateway&limit=200"));
            var request = spans.FirstOrDefault(span => span.Service == "gateway" && span.Attribute("url.path") == "/ingest/QQQ");
            trace = request is null ? [] : spans.Where(span => span.TraceId == request.TraceId).ToList();
            // Each service exports when its spans end, so the parts arrive at different moments.
            if (trace.Any(IsBarWrite) && trace.Any(IsConsume) && trace.Any(IsPublish) && Stages.All(stage => trace.Any(span => IsStage(span, stage)))) break;
            await Task.Delay(1000);
        }

        var spansOfTrace = string.Join('\n', trace.Select(span => $"{span.Service} {span.Scope} {span.Name} {span.Attribute("db.query.text")}"));
        Assert.True(trace.Any(span => span.Service == "gateway" && span.Name.StartsWith("POST /ingest", StringComparison.Ordinal)), "no request span:\n" + spansOfTrace);
        Assert.True(trace.Any(IsPublish), "no publish span:\n" + spansOfTrace);
        Assert.True(trace.Any(IsConsume), "no consume span:\n" + spansOfTrace);
        Assert.True(trace.Any(IsBarWrite), "no write of bars_1m:\n" + spansOfTrace);
        foreach (var stage in Stages) Assert.True(trace.Any(span => IsStage(span, stage)), $"no {stage.Name} span of {stage.Service}:\n{spansOfTrace}");
    }

    // The agents' own spans (docs/telemetry.md), in the dashboard as in the OTLP receiver of the integration tests.
    private static readonly (string Service, string Scope, string Name)[] Stages =
    [
        ("ingestion", "StockPlatform.Ingestion", "plan"),
        ("ingestion", "StockPlatform.Ingestion", "fetch page"),
        ("ingestion", "StockPlatform.Ingestion", "upsert"),
        ("ingestion", "StockPlatform.Ingestion", "ledger"),
        ("features", "StockPlatform.Features", "build features"),
        ("features", "StockPlatform.Features", "archive session"),
    ];

    private static bool IsStage(Span span, (string Service, string Scope, string Name) stage) =>
        span.Service == stage.Service && span.Scope == stage.Scope && span.Name == stage.Name;

    [Fact]
    public async Task The_servers_passwords_appear_in_no_trace_and_no_log_the_dashboard_holds()
    {
        await BackfillAsync("IWM", "2025-03-03", "2025-03-03");
        // The servers' passwords and a generated gateway key, and the key this AppHost was given.
        var secrets = platform.Secrets.Append(KeyValuePair.Create("gateway-api-key", platform.GatewayApiKey)).ToList();
        Assert.Equal(4, secrets.Count);

        // Everything the dashboard holds: the gateway's and the agent's telemetry must be in it.
        var traces = await GetTelemetryAsync("/api/telemetry/traces?resource=gateway&resource=ingestion&limit=1000");
        var logs = await GetTelemetryAsync("/api/telemetry/logs?resource=gateway&resource=ingestion&resource=marketsim");
        Assert.Contains("\"gateway\"", traces);
        Assert.Contains("\"ingestion\"", traces);
        Assert.Contains("COPY bars_1m", traces);
        foreach (var (name, value) in secrets)
        {
            Assert.False(traces.Contains(value, StringComparison.Ordinal), $"{name} appears in a trace");
            Assert.False(logs.Contains(value, StringComparison.Ordinal), $"{name} appears in a log");
        }
    }

    private static bool IsPublish(Span span) => span.Service == "gateway" && span.Scope == "MassTransit";

    private static bool IsConsume(Span span) =>
        span.Service == "ingestion" && span.Scope == "MassTransit" && span.Name.Contains("backfill-window", StringComparison.Ordinal);

    private static bool IsBarWrite(Span span) =>
        span.Service == "ingestion" && span.Scope == "Npgsql"
        && span.Attribute("db.query.text") is { } sql && sql.Contains("bars_1m", StringComparison.Ordinal)
        && (sql.StartsWith("COPY", StringComparison.Ordinal) || sql.Contains("INSERT INTO bars_1m", StringComparison.Ordinal));

    private async Task<JsonElement> BackfillAsync(string symbol, string from, string to)
    {
        using var response = await platform.Gateway.PostAsync($"/ingest/{symbol}?start={from}&end={to}&feed=iex", null);
        return await WaitForJobAsync(response, $"POST /ingest/{symbol}");
    }

    private async Task<JsonElement> WaitForJobAsync(HttpResponseMessage response, string request)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, $"{request}: {(int)response.StatusCode} {body}");
        var id = JsonDocument.Parse(body).RootElement.GetProperty("job_id").GetGuid();

        var deadline = DateTime.UtcNow + JobTimeout;
        while (true)
        {
            using var job = JsonDocument.Parse(await platform.Gateway.GetStringAsync($"/jobs/{id}"));
            if (job.RootElement.GetProperty("status").GetString() is "succeeded" or "failed") return job.RootElement.Clone();
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"job {id} is still {job.RootElement}\n{platform.DescribeResources()}");
            await Task.Delay(250);
        }
    }

    /// <summary>
    /// A telemetry API answer. The dashboard answers 404 for a resource it has no telemetry from
    /// yet: the services export in batches, later on a busy machine, so that is waited out.
    /// </summary>
    private async Task<string> GetTelemetryAsync(string query)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            using var response = await platform.Dashboard.GetAsync(query);
            if (response.IsSuccessStatusCode) return await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.NotFound || DateTime.UtcNow > deadline)
            {
                var known = await platform.Dashboard.GetStringAsync("/api/telemetry/resources");
                throw new HttpRequestException($"GET {query}: {(int)response.StatusCode}; the dashboard has telemetry of {known}\n{platform.DescribeResources()}");
            }
            await Task.Delay(1000);
        }
    }

    private static IReadOnlyList<Span> ReadSpans(string body)
    {
        using var json = JsonDocument.Parse(body);
        var spans = new List<Span>();
        foreach (var resourceSpans in json.RootElement.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            var service = Attributes(resourceSpans.GetProperty("resource")).GetValueOrDefault("service.name");
            foreach (var scopeSpans in resourceSpans.GetProperty("scopeSpans").EnumerateArray())
            {
                var scope = scopeSpans.GetProperty("scope").GetProperty("name").GetString();
                foreach (var span in scopeSpans.GetProperty("spans").EnumerateArray())
                {
                    spans.Add(new Span(service, scope, span.GetProperty("traceId").GetString()!, span.GetProperty("name").GetString()!, Attributes(span)));
                }
            }
        }
        return spans;
    }

    private static Dictionary<string, string?> Attributes(JsonElement element) =>
        element.TryGetProperty("attributes", out var attributes)
            ? attributes.EnumerateArray().ToDictionary(
                attribute => attribute.GetProperty("key").GetString()!,
                attribute => (string?)attribute.GetProperty("value").EnumerateObject().FirstOrDefault().Value.ToString())
            : [];

    private sealed record Span(string? Service, string? Scope, string TraceId, string Name, Dictionary<string, string?> Attributes)
    {
        public string? Attribute(string key) => Attributes.GetValueOrDefault(key);
    }
}
