using System.Net;
using StockPlatform.Gateway.Telemetry;
using StockPlatform.IntegrationTests.Telemetry;

namespace StockPlatform.IntegrationTests.EndToEnd;

/// <summary>
/// The platform's traces and metrics as the Aspire dashboard receives them, caught by a minimal
/// OTLP receiver on loopback: the gateway in-process and the agents as processes all export to it
/// in protobuf over HTTP, the way the AppHost has them export to the dashboard.
/// </summary>
public sealed class TraceAcrossBusTests
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan ExportTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task One_trace_follows_an_ingest_from_the_gateway_across_the_bus_through_ingestion_to_the_feature_agent()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var stack = await PlatformStack.StartAsync(agentSettings: receiver.ExportSettings, gatewaySettings: GatewaySettings(receiver));
        await stack.StartFeatureAgentAsync();

        var jobId = await stack.IngestAsync("SPY", "2024-11-18", "2024-11-22");
        var job = await stack.WaitForJobAsync(jobId, JobTimeout);
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        var inserted = job.GetProperty("progress").GetProperty("bars_inserted").GetInt64();

        // The trace of this job's request: other tests' gateways share this process, and may ask for SPY too.
        var trace = await receiver.WaitForAsync(r => CompleteTrace(r.Spans, jobId), ExportTimeout,
            r => "Spans so far:\n" + string.Join('\n', r.Spans.Where(span => span.Service != "gateway" || span.Name.Contains("ingest", StringComparison.Ordinal)).Select(span => span.ToString())));
        var spans = string.Join('\n', trace.Select(span => span.ToString()));
        var byId = trace.ToDictionary(span => span.SpanId);

        Assert.Equal(["features", "gateway", "ingestion"], trace.Select(span => span.Service).Distinct().Order());

        // Linked across the bus: the agents' receive spans hang under the other service's publish spans.
        Assert.True(CrossesBus(trace, from: "gateway", to: "ingestion"), "no ingestion consumer span under a gateway producer span:\n" + spans);
        Assert.True(CrossesBus(trace, from: "ingestion", to: "features"), "no features consumer span under an ingestion producer span:\n" + spans);

        // The stages, each where it belongs.
        foreach (var stage in new[] { "plan", "fetch", "fetch page", "upsert", "ledger" })
            Assert.True(trace.Any(span => span.Service == "ingestion" && span.Scope == "StockPlatform.Ingestion" && span.Name == stage), $"no {stage} span:\n{spans}");
        foreach (var stage in new[] { "refresh features", "build features", "archive session" })
            Assert.True(trace.Any(span => span.Service == "features" && span.Scope == "StockPlatform.Features" && span.Name == stage), $"no {stage} span:\n{spans}");
        Assert.DoesNotContain(trace, span => span.Failed);

        // Alpaca's bars pages are fetched under their page's span, and the bars written to PostgreSQL under the upserts.
        // (The corporate-actions refresh the job queues when it succeeds runs in its trace too, its daily bars under its own span.)
        var alpaca = trace.Where(span => span.Name == "alpaca bars" && !Ancestors(span, byId).Any(ancestor => ancestor.Name == "corporate actions")).ToList();
        Assert.NotEmpty(alpaca);
        Assert.All(alpaca, call => Assert.Equal("fetch page", byId[call.ParentSpanId].Name));
        Assert.Contains(trace, span => span.Scope == "Npgsql" && span["db.query.text"] is string sql && sql.Contains("bars_1m", StringComparison.Ordinal)
            && Ancestors(span, byId).Any(ancestor => ancestor.Name == "upsert"));

        // The upserts' counts add up to what the job reports, and every one names its job.
        var upserts = trace.Where(span => span.Name == "upsert").ToList();
        Assert.All(upserts, upsert => Assert.Equal(jobId.ToString(), upsert["stockplatform.job_id"]));
        Assert.Equal(inserted, upserts.Sum(upsert => (long)upsert["stockplatform.rows.inserted"]!));
        Assert.Contains(trace, span => span.Name == "archive session" && (string?)span["stockplatform.session"] == "2024-11-22" && (string?)span["stockplatform.dataset"] == "bars");

        // The metrics: bars and Alpaca calls from the agent, job durations where the job ended, queue depths from the gateway.
        var queues = PlatformQueues.Names(stack.Namespace);
        (double? Ingested, double? Jobs, double? Windows, double? Events) Readings(IReadOnlyList<ExportedMetric> all) => (
            Latest(all, "ingestion", "stockplatform.bars.ingested", point => (string?)point["source"] == "backfill"),
            Latest(all, "ingestion", "stockplatform.job.duration", point => (string?)point["kind"] == "backfill" && (string?)point["status"] == "succeeded"),
            Latest(all, "gateway", "stockplatform.queue.depth", point => (string?)point["queue"] == queues[0]),
            Latest(all, "gateway", "stockplatform.queue.depth", point => (string?)point["queue"] == queues[2]));
        var metrics = await receiver.WaitForAsync(r => Readings(r.Metrics) is ({ } ingested, 1, not null, not null) && ingested == inserted ? r.Metrics : null,
            ExportTimeout, r => $"Bars ingested, jobs succeeded, depths of {queues[0]} and {queues[2]}: {Readings(r.Metrics)}; {inserted} bars inserted. Metrics so far: "
                + string.Join(", ", r.Metrics.Select(metric => $"{metric.Service}:{metric.Name}").Distinct().Order()));

        Assert.Equal(0, Latest(metrics, "ingestion", "stockplatform.bars.corrected", point => (string?)point["source"] == "backfill"));
        Assert.True(Latest(metrics, "ingestion", "stockplatform.alpaca.calls",
            point => (string?)point["stockplatform.alpaca.endpoint"] == "bars" && point["http.response.status_code"] is (long)(int)HttpStatusCode.OK) >= alpaca.Count);
        Assert.True(Latest(metrics, "ingestion", "stockplatform.alpaca.throttle_wait", _ => true) >= alpaca.Count);
        Assert.All(metrics.Where(metric => metric.Name is "stockplatform.alpaca.throttle_wait" or "stockplatform.job.duration"), metric => Assert.Equal("s", metric.Unit));
        // The work queues were emptied: every window and every event consumed.
        Assert.Equal(0, Latest(metrics, "gateway", "stockplatform.queue.depth", point => (string?)point["queue"] == queues[0]));
        Assert.Equal(1, Latest(metrics, "gateway", "stockplatform.queue.consumers", point => (string?)point["queue"] == queues[0]));
    }

    [Fact]
    public async Task A_streamed_batch_is_traced_to_the_feature_agent_and_its_lag_measured()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var stack = await PlatformStack.StartAsync(
            simSettings: new() { ["MarketSim:Stream:Speed"] = "60", ["MarketSim:Stream:Start"] = "2025-03-05T15:00:00Z" },
            agentSettings: receiver.ExportSettings, gatewaySettings: GatewaySettings(receiver));
        await stack.StartLiveStreamAsync();
        await stack.StartFeatureAgentAsync();

        using (var track = await stack.Client.PutAsync("/symbols/MSFT/tracking", null))
            Assert.Equal(HttpStatusCode.OK, track.StatusCode);

        // A batch of MSFT's minutes written, announced, and refreshed by the feature agent, all in the batch's trace.
        // Each span is exported when it ends, and the feature agent's consumer span ends after the
        // refresh inside it: the trace is complete once both have arrived.
        var trace = await receiver.WaitForAsync(r =>
        {
            var spans = r.Spans;
            var batches = spans.Where(span => span.Service == "livestream" && span.Name == "write batch"
                && span["stockplatform.symbols"] is object[] symbols && symbols.Contains("MSFT") && (long?)span["stockplatform.rows.inserted"] > 0);
            return batches.Select(batch => spans.Where(span => span.TraceId == batch.TraceId).ToList())
                .FirstOrDefault(trace => trace.Any(span => span.Service == "features" && span.Name == "refresh features" && (string?)span["stockplatform.symbol"] == "MSFT")
                    && CrossesBus(trace, from: "livestream", to: "features"));
        }, ExportTimeout, r => "Spans so far:\n" + string.Join('\n', r.Spans.Where(span => span.Service != "gateway").Select(span => span.ToString())));

        Assert.True(CrossesBus(trace, from: "livestream", to: "features"), "no features consumer span under a livestream producer span:\n" + string.Join('\n', trace));
        var batch = Assert.Single(trace, span => span.Name == "write batch");
        Assert.Equal("", batch.ParentSpanId);

        var metrics = await receiver.WaitForAsync(r =>
            Latest(r.Metrics, "livestream", "stockplatform.stream.lag", point => (string?)point["stockplatform.bar.kind"] == "minute") > 0
            && Latest(r.Metrics, "livestream", "stockplatform.bars.ingested", point => (string?)point["source"] == "live") > 0 ? r.Metrics : null,
            ExportTimeout, r => "Metrics so far: " + string.Join(", ", r.Metrics.Select(metric => $"{metric.Service}:{metric.Name}").Distinct().Order()));
        Assert.Equal("s", metrics.First(metric => metric.Name == "stockplatform.stream.lag").Unit);
    }

    private static Dictionary<string, string> GatewaySettings(OtlpReceiver receiver) =>
        new(receiver.ExportSettings) { ["QueueDepth:Interval"] = "00:00:01" };

    /// <summary>
    /// The trace of <paramref name="jobId"/>'s ingest request once every part of it has arrived (each
    /// service exports as its spans end); null until then.
    /// </summary>
    private static List<ExportedSpan>? CompleteTrace(IReadOnlyList<ExportedSpan> spans, Guid jobId)
    {
        var ours = spans.FirstOrDefault(span => span.Name == "upsert" && (string?)span["stockplatform.job_id"] == jobId.ToString());
        if (ours is null) return null;
        var trace = spans.Where(span => span.TraceId == ours.TraceId).ToList();
        var complete = trace.Any(span => span.Service == "gateway" && span.Kind == SpanKind.Server && (string?)span["url.path"] == "/ingest/SPY")
            && trace.Any(span => span.Name == "archive session")
            && trace.Any(span => span.Name == "ledger")
            && CrossesBus(trace, "ingestion", "features");
        return complete ? trace : null;
    }

    /// <summary>True when a consumer span of <paramref name="to"/> has a producer span of <paramref name="from"/> as its parent, or links to one.</summary>
    private static bool CrossesBus(IReadOnlyList<ExportedSpan> trace, string from, string to)
    {
        var producers = trace.Where(span => span.Service == from && span.Kind == SpanKind.Producer).Select(span => span.SpanId).ToHashSet();
        return trace.Any(span => span.Service == to && span.Kind == SpanKind.Consumer
            && (producers.Contains(span.ParentSpanId) || span.Links.Any(link => producers.Contains(link.SpanId))));
    }

    private static IEnumerable<ExportedSpan> Ancestors(ExportedSpan span, Dictionary<string, ExportedSpan> byId)
    {
        while (byId.TryGetValue(span.ParentSpanId, out var parent))
        {
            yield return parent;
            span = parent;
        }
    }

    /// <summary>
    /// The value of a service's metric in its last export that has a matching point (a counter's
    /// cumulative sum, a gauge's reading, a histogram's count), summed over the matching points; null when none has.
    /// </summary>
    private static double? Latest(IReadOnlyList<ExportedMetric> metrics, string service, string name, Func<MetricPoint, bool> match) =>
        metrics.LastOrDefault(metric => metric.Service == service && metric.Name == name && metric.Points.Any(match)) is { } last
            ? last.Points.Where(match).Sum(point => point.Value)
            : null;
}
