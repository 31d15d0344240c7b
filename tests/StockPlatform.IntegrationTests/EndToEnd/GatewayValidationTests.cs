using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace StockPlatform.IntegrationTests.EndToEnd;

/// <summary>Bad input gets 400 problem details naming the parameter; unknown jobs 404. Nothing is queued.</summary>
public class GatewayValidationTests
{
    private static WebApplicationFactory<Program> CreateGateway() =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:stockplatform", TestServers.PostgresConnectionString);
            web.UseSetting("ConnectionStrings:messaging", TestServers.MessagingConnectionString);
            var unique = "validation" + Guid.NewGuid().ToString("N")[..8];
            web.UseSetting("Messaging:EndpointPrefix", unique);
            web.UseSetting("Messaging:Namespace", unique);
            web.UseSetting("GATEWAY_API_KEY", Key);
        });

    private const string Key = "validation-key";

    private static HttpClient ClientOf(WebApplicationFactory<Program> gateway)
    {
        var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", Key);
        return client;
    }

    [Theory]
    [InlineData("/bars/SPY?interval=7x", "interval")]
    [InlineData("/bars/S%26P?interval=1m", "symbol")]
    [InlineData("/bars/SPY?start=2024-02-01&end=2024-01-01", "start")]
    [InlineData("/bars/SPY?limit=0", "limit")]
    [InlineData("/bars/SPY?limit=10001", "limit")]
    [InlineData("/bars/SPY?session=overnight", "session")]
    [InlineData("/bars/SPY?anchor=noon", "anchor")]
    [InlineData("/bars/SPY?start=yesterday", "start")]
    [InlineData("/bars/SPY?start=2024-01-02&page_token=bm90LW91cnM", "page_token")]
    [InlineData("/jobs?status=done", "status")]
    [InlineData("/bars/SPY?end=9999-12-31", "end")]
    [InlineData("/bars/SPY?start=0001-01-01", "start")]
    [InlineData("/bars/SPY?start=2024-01-02T00:00:00Z&end=9999-12-31T23:59:59.9999999Z", "end")]
    [InlineData("/bars/SPY?start=0001-01-01T00:00:00Z", "start")]
    [InlineData("/bars?symbols=SPY,S%26P", "symbols")]
    [InlineData("/bars?symbols=", "symbols")]
    [InlineData("/bars/SPY?format=xml", "format")]
    [InlineData("/bars/SPY?format=csv&page_token=abc", "page_token")]
    [InlineData("/coverage/SPY?end=9999-12-31", "end")]
    [InlineData("/coverage/SPY?start=1970-01-01&end=2100-01-01", "end")]
    [InlineData("/coverage/S%26P", "symbol")]
    [InlineData("/symbols/S%26P", "symbol")]
    [InlineData("/events?kind=DROP%20TABLE", "kind")]
    public async Task Bad_query_parameters_get_a_problem_naming_the_parameter(string url, string parameter)
    {
        await using var gateway = CreateGateway();
        using var client = ClientOf(gateway);

        using var response = await client.GetAsync(url);

        await AssertProblemAsync(response, parameter);
    }

    [Theory]
    [InlineData("/ingest/S%26P", "symbol")]
    [InlineData("/ingest/SPY?start=2024-02-01&end=2024-01-01", "start")]
    [InlineData("/ingest/SPY?start=01/02/2024", "start")]
    [InlineData("/ingest/SPY?end=2999-01-01", "end")]
    [InlineData("/ingest/SPY?feed=nasdaq", "feed")]
    [InlineData("/ingest/SPY?start=0001-01-01", "start")]
    [InlineData("/ingest/SPY?start=2024-01-01&end=9999-12-31", "end")]
    public async Task Bad_ingest_requests_get_a_problem_and_queue_nothing(string url, string parameter)
    {
        await using var gateway = CreateGateway();
        using var client = ClientOf(gateway);

        using var response = await client.PostAsync(url, null);

        await AssertProblemAsync(response, parameter);
    }

    [Theory]
    [InlineData("""{"symbols": ["SPY", "S&P"], "start": "2024-01-02"}""", "symbols[1]")]
    [InlineData("""{"symbols": [], "start": "2024-01-02"}""", "symbols")]
    [InlineData("""{"start": "2024-01-02"}""", "symbols")]
    [InlineData("""{"symbols": [null]}""", "symbols[0]")]
    [InlineData("""{"symbols": ["SPY"], "start": "2024-02-01", "end": "2024-01-01"}""", "start")]
    [InlineData("""{"symbols": ["SPY"], "end": "2999-01-01"}""", "end")]
    [InlineData("""{"symbols": ["SPY"], "feed": "nasdaq"}""", "feed")]
    [InlineData("""{"symbols": "SPY"}""", "body")]
    [InlineData("""{"symbols": ["SPY"]""", "body")]
    [InlineData("not json", "body")]
    public async Task Bad_job_bodies_get_a_problem_naming_the_field_and_queue_nothing(string body, string field)
    {
        await using var gateway = CreateGateway();
        using var client = ClientOf(gateway);

        using var response = await client.PostAsync("/jobs", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, field);
    }

    [Fact]
    public async Task A_job_body_that_is_not_json_gets_415_and_one_naming_too_many_symbols_a_problem()
    {
        await using var gateway = CreateGateway();
        using var client = ClientOf(gateway);

        using var text = await client.PostAsync("/jobs", new StringContent("symbols=SPY", System.Text.Encoding.UTF8, "text/plain"));
        var many = string.Join(',', Enumerable.Range(0, 1001).Select(i => $"\"S{i}\""));
        using var tooMany = await client.PostAsync("/jobs", new StringContent($"{{\"symbols\": [{many}]}}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Equal("application/problem+json", text.Content.Headers.ContentType?.MediaType);
        await AssertProblemAsync(tooMany, "symbols");
    }

    [Fact]
    public async Task An_unknown_job_is_404_problem_details()
    {
        await using var gateway = CreateGateway();
        using var client = ClientOf(gateway);

        using var response = await client.GetAsync($"/jobs/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, string parameter)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(400, json.RootElement.GetProperty("status").GetInt32());
        Assert.True(json.RootElement.GetProperty("errors").TryGetProperty(parameter, out var messages), $"no error for '{parameter}': {json.RootElement}");
        Assert.NotEmpty(messages.EnumerateArray().First().GetString()!);
    }
}
