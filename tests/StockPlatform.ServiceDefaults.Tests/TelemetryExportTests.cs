using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace StockPlatform.ServiceDefaults.Tests;

/// <summary>
/// Runs a service on the defaults against a local OTLP/HTTP collector: real Kestrel, real exporter.
/// </summary>
public class TelemetryExportTests
{
    private static readonly ActivitySource Source = new("StockPlatform.Tests");

    [Fact]
    public async Task Spans_reach_the_otlp_endpoint_when_it_is_configured_and_health_probes_stay_out()
    {
        var received = new ConcurrentQueue<byte[]>();
        await using var collector = await StartCollectorAsync(received);

        await using (var service = await StartServiceAsync(new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Urls.Single(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "otel-export-test",
        }))
        {
            using var http = new HttpClient { BaseAddress = new Uri(service.Urls.Single()) };
            Assert.Equal("Healthy", await http.GetStringAsync("/health"));
            Assert.Equal("Healthy", await http.GetStringAsync("/alive"));
            Assert.Equal("ok", await http.GetStringAsync("/traced"));
            await service.StopAsync(); // disposing the SDK flushes the batch exporter
        }

        var exported = string.Concat(received.Select(Encoding.Latin1.GetString));
        Assert.Contains("otel-export-test", exported);
        Assert.Contains("endpoint-child-span", exported);
        Assert.DoesNotContain("probe-child-span", exported);
    }

    [Fact]
    public async Task Nothing_is_exported_when_no_otlp_endpoint_is_set()
    {
        var received = new ConcurrentQueue<byte[]>();
        await using var collector = await StartCollectorAsync(received);

        await using (var service = await StartServiceAsync(new() { ["OTEL_SERVICE_NAME"] = "otel-off-test" }))
        {
            using var http = new HttpClient { BaseAddress = new Uri(service.Urls.Single()) };
            Assert.Equal("ok", await http.GetStringAsync("/traced"));
            await service.StopAsync();
        }

        Assert.Empty(received);
    }

    private static async Task<WebApplication> StartServiceAsync(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        builder.Services.AddHealthChecks().AddCheck("traced-check", () =>
        {
            using var span = Source.StartActivity("probe-child-span");
            return HealthCheckResult.Healthy();
        });

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapGet("/traced", () =>
        {
            using var span = Source.StartActivity("endpoint-child-span");
            return "ok";
        });
        await app.StartAsync();
        return app;
    }

    private static async Task<WebApplication> StartCollectorAsync(ConcurrentQueue<byte[]> received)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var collector = builder.Build();
        collector.MapPost("/v1/{signal}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            received.Enqueue(body.ToArray());
            return Results.Ok();
        });
        await collector.StartAsync();
        return collector;
    }
}
