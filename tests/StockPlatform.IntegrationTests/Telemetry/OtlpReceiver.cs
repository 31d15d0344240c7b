using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace StockPlatform.IntegrationTests.Telemetry;

/// <summary>
/// A minimal OTLP/HTTP receiver on loopback: accepts the protobuf exports of traces, metrics and
/// logs, as the Aspire dashboard's collector would, and keeps the spans and metrics decoded.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ExportedSpan> _spans = new();
    private readonly ConcurrentQueue<ExportedMetric> _metrics = new();
    private readonly ConcurrentQueue<string> _errors = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    /// <summary>The base address services export to (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>).</summary>
    public string Endpoint => _app.Urls.Single();

    public IReadOnlyList<ExportedSpan> Spans => [.. _spans];

    public IReadOnlyList<ExportedMetric> Metrics => [.. _metrics];

    /// <summary>Bodies that did not decode: a test that finds none of what it waits for says why.</summary>
    public IReadOnlyList<string> Errors => [.. _errors];

    /// <summary>
    /// The OpenTelemetry settings that make a service export here in protobuf over HTTP, soon after
    /// spans end and every second for metrics (the defaults, 5 and 60 seconds, outlast a test).
    /// </summary>
    public Dictionary<string, string> ExportSettings => new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "1000",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
    };

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", (HttpContext context) => receiver.ReceiveAsync(context, body => { foreach (var span in OtlpDecoder.Spans(body)) receiver._spans.Enqueue(span); }));
        app.MapPost("/v1/metrics", (HttpContext context) => receiver.ReceiveAsync(context, body => { foreach (var metric in OtlpDecoder.Metrics(body)) receiver._metrics.Enqueue(metric); }));
        app.MapPost("/v1/logs", (HttpContext context) => receiver.ReceiveAsync(context, _ => { }));
        await app.StartAsync();
        return receiver;
    }

    private async Task ReceiveAsync(HttpContext context, Action<ReadOnlyMemory<byte>> decode)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        try
        {
            decode(body.GetBuffer().AsMemory(0, (int)body.Length));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            _errors.Enqueue($"{context.Request.Path}: {ex.Message}");
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        // An empty Export*ServiceResponse: everything accepted.
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/x-protobuf";
    }

    /// <summary>Waits until <paramref name="found"/> holds for what has arrived, or fails with <paramref name="explain"/>.</summary>
    public async Task<T> WaitForAsync<T>(Func<OtlpReceiver, T?> found, TimeSpan timeout, Func<OtlpReceiver, string> explain) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (found(this) is { } result) return result;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"not received within {timeout.TotalSeconds:0} s. {explain(this)}{(Errors.Count > 0 ? "\nUndecodable exports: " + string.Join("; ", Errors) : string.Empty)}");
            await Task.Delay(250);
        }
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
