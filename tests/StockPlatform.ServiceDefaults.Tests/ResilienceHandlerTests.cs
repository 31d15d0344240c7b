using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StockPlatform.ServiceDefaults.Http;

namespace StockPlatform.ServiceDefaults.Tests;

/// <summary>
/// The HttpClients a service gets from <c>AddServiceDefaults</c>: the standard resilience handler
/// as configured there, in front of a scripted server.
/// </summary>
public class ResilienceHandlerTests
{
    private const int MaxRetryAttempts = 3;

    private static (HttpClient Client, ScriptedHandler Server) CreateClient(params Func<HttpResponseMessage>[] responses) =>
        CreateClient(optOut: false, responses);

    private static (HttpClient Client, ScriptedHandler Server) CreateClient(bool optOut, params Func<HttpResponseMessage>[] responses)
    {
        var server = new ScriptedHandler(responses);
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["HttpResilience:Retry:Delay"] = "00:00:00.001",
            ["HttpResilience:Retry:MaxRetryAttempts"] = MaxRetryAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        builder.AddServiceDefaults();
        var client = builder.Services.AddHttpClient("scripted").ConfigurePrimaryHttpMessageHandler(() => server);
        if (optOut) client.RemoveDefaultResilience();

        var services = builder.Build().Services;
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient("scripted");
        http.BaseAddress = new Uri("http://test.local");
        return (http, server);
    }

    private static HttpResponseMessage Status(HttpStatusCode code) => new(code);

    [Fact]
    public async Task A_get_is_retried_after_server_errors_until_it_succeeds()
    {
        var (client, server) = CreateClient(() => Status(HttpStatusCode.ServiceUnavailable), () => Status(HttpStatusCode.InternalServerError), () => Status(HttpStatusCode.OK));

        var response = await client.GetAsync("/bars");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, server.Calls);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData((HttpStatusCode)422)]
    public async Task Client_errors_are_returned_at_once(HttpStatusCode status)
    {
        var (client, server) = CreateClient(() => Status(status), () => Status(HttpStatusCode.OK));

        var response = await client.GetAsync("/bars");

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(1, server.Calls);
    }

    [Fact]
    public async Task Retries_stop_after_the_configured_attempts_and_return_the_last_answer()
    {
        var (client, server) = CreateClient(Enumerable.Repeat(() => Status(HttpStatusCode.BadGateway), 10).ToArray());

        var response = await client.GetAsync("/bars");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(1 + MaxRetryAttempts, server.Calls);
    }

    [Fact]
    public async Task A_post_is_never_sent_twice()
    {
        var (client, server) = CreateClient(() => Status(HttpStatusCode.ServiceUnavailable), () => Status(HttpStatusCode.OK));

        var response = await client.PostAsync("/ingest/SPY", content: null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, server.Calls);
    }

    [Fact]
    public async Task Connection_failures_are_retried()
    {
        var (client, server) = CreateClient(() => throw new HttpRequestException("connection refused"), () => Status(HttpStatusCode.OK));

        var response = await client.GetAsync("/bars");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, server.Calls);
    }

    [Fact]
    public async Task A_retry_after_header_sets_the_wait_before_the_next_attempt()
    {
        var (client, server) = CreateClient(
            () =>
            {
                var limited = Status(HttpStatusCode.TooManyRequests);
                limited.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromMilliseconds(1_200));
                return limited;
            },
            () => Status(HttpStatusCode.OK));

        var response = await client.GetAsync("/bars");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var gap = server.CallTimes[1] - server.CallTimes[0];
        Assert.True(gap >= TimeSpan.FromMilliseconds(1_000), $"waited only {gap.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_client_that_opts_out_sends_each_request_once()
    {
        var (client, server) = CreateClient(optOut: true, () => Status(HttpStatusCode.ServiceUnavailable), () => Status(HttpStatusCode.OK));

        var response = await client.GetAsync("/bars");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, server.Calls);
    }

    /// <summary>An in-process server answering each call with the next scripted response.</summary>
    private sealed class ScriptedHandler(Func<HttpResponseMessage>[] responses) : HttpMessageHandler
    {
        private int _calls;

        public int Calls => _calls;

        public List<DateTimeOffset> CallTimes { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var index = Interlocked.Increment(ref _calls) - 1;
            CallTimes.Add(DateTimeOffset.UtcNow);
            return Task.FromResult(responses[Math.Min(index, responses.Length - 1)]());
        }
    }
}
