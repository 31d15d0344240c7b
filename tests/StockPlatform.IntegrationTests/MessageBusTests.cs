using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using StockPlatform.Contracts;
using StockPlatform.ServiceDefaults.Messaging;

namespace StockPlatform.IntegrationTests;

public class MessageBusTests
{
    [Fact]
    public async Task A_published_event_reaches_its_consumer_over_rabbitmq()
    {
        var inbox = new Inbox();
        using var host = BuildHost(inbox);
        await host.StartAsync();
        try
        {
            await WaitForHealthyBusAsync(host.Services, TimeSpan.FromSeconds(60));

            var sent = new JobProgressed(Guid.NewGuid(), "SPY", 3, 10, 1_170, 2, DateTimeOffset.UtcNow);
            await host.Services.GetRequiredService<IPublishEndpoint>().Publish(sent);

            var received = await inbox.WaitForAsync(sent.JobId, TimeSpan.FromSeconds(30));
            Assert.Equal(sent, received);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task The_bus_health_check_is_healthy_once_connected()
    {
        using var host = BuildHost(new Inbox());
        await host.StartAsync();
        try
        {
            var report = await WaitForHealthyBusAsync(host.Services, TimeSpan.FromSeconds(60));
            Assert.Contains(report.Entries, entry => entry.Key.Contains("masstransit", StringComparison.OrdinalIgnoreCase));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static IHost BuildHost(Inbox inbox)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:messaging"] = TestServers.MessagingConnectionString,
        });
        builder.Services.AddSingleton(inbox);
        builder.Services.AddHealthChecks();
        // A temporary queue per test: it disappears with the connection and sees only this run's messages.
        builder.AddMessageBus(bus => bus.AddConsumer<JobProgressedProbe>()
            .Endpoint(endpoint =>
            {
                endpoint.Name = "it-job-progressed-" + Guid.NewGuid().ToString("N")[..8];
                endpoint.Temporary = true;
            }));
        return builder.Build();
    }

    private static async Task<HealthReport> WaitForHealthyBusAsync(IServiceProvider services, TimeSpan timeout)
    {
        var health = services.GetRequiredService<HealthCheckService>();
        var deadline = DateTime.UtcNow + timeout;
        HealthReport report;
        do
        {
            report = await health.CheckHealthAsync();
            if (report.Status == HealthStatus.Healthy) return report;
            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);

        var details = string.Join("; ", report.Entries.Select(e => $"{e.Key}: {e.Value.Status} {e.Value.Description}"));
        throw new TimeoutException($"The bus did not become healthy within {timeout.TotalSeconds}s ({details}). Is RabbitMQ running? Use ./scripts/test.sh.");
    }

    public sealed class Inbox
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, TaskCompletionSource<JobProgressed>> _waiting = new();

        public void Deliver(JobProgressed message) => Slot(message.JobId).TrySetResult(message);

        public async Task<JobProgressed> WaitForAsync(Guid jobId, TimeSpan timeout) =>
            await Slot(jobId).Task.WaitAsync(timeout);

        private TaskCompletionSource<JobProgressed> Slot(Guid jobId) =>
            _waiting.GetOrAdd(jobId, _ => new TaskCompletionSource<JobProgressed>(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    public sealed class JobProgressedProbe(Inbox inbox) : IConsumer<JobProgressed>
    {
        public Task Consume(ConsumeContext<JobProgressed> context)
        {
            inbox.Deliver(context.Message);
            return Task.CompletedTask;
        }
    }
}
