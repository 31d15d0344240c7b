using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;
using StockPlatform.Testing;

namespace StockPlatform.IntegrationTests.Gateway;

/// <summary>
/// JSON pages are written as the store hands the bars over: the document is the same as a whole
/// page's, an empty page is still a whole document, and a read that fails before its first bar is
/// still answered with problem details (nothing was written yet).
/// </summary>
public sealed class BarsStreamingTests : IAsyncLifetime
{
    private const string Key = "streaming-test-key";
    private static readonly DateOnly Day = new(2024, 3, 5);

    private ThrowawayDatabase _database = null!;
    private WebApplicationFactory<Program> _gateway = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _database = await ThrowawayDatabase.CreateAsync(TestServers.PostgresConnectionString, "stream_", TestServers.Hint);
        _gateway = InProcessGateway.Create(_database.ConnectionString, "stream", Key);
        _client = _gateway.CreateClient();
        // 16 hours of minutes: more than one flush's worth (500 bars) in a page.
        var open = NewYorkTime.ToUtc(Day, new TimeOnly(4, 0));
        var minutes = Enumerable.Range(0, 960)
            .Select(i => new Bar(open.AddMinutes(i), 100m + (i % 7) * 0.01m, 100.5m, 99.5m, 100.25m, 1_000 + i, 10, 100.1234m))
            .ToList();
        await _gateway.Services.GetRequiredService<BarStore>().UpsertAsync(Symbol.Parse("SPY"), "iex", minutes);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_page_of_more_bars_than_one_flush_is_one_whole_document_in_order()
    {
        var page = await GetJsonAsync("/bars/SPY?interval=1m&session=extended&start=2024-03-05&end=2024-03-05&limit=10000");
        var bars = page.GetProperty("bars").EnumerateArray().Select(b => b.GetProperty("timestamp").GetDateTimeOffset()).ToList();

        Assert.Equal("SPY", page.GetProperty("symbol").GetString());
        Assert.Equal(960, bars.Count);
        Assert.Equal(bars.Order(), bars);
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next_page_token").ValueKind);

        var cut = await GetJsonAsync("/bars/SPY?interval=1m&session=extended&start=2024-03-05&end=2024-03-05&limit=700");
        Assert.Equal(700, cut.GetProperty("bars").GetArrayLength());
        Assert.Equal(JsonValueKind.String, cut.GetProperty("next_page_token").ValueKind);
    }

    [Fact]
    public async Task Empty_pages_are_whole_documents_of_either_shape()
    {
        var single = await GetJsonAsync("/bars/SPY?interval=1m&start=2024-03-06&end=2024-03-06");
        var several = await GetJsonAsync("/bars?symbols=SPY,QQQ&interval=5m&start=2024-03-05&end=2024-03-05");

        Assert.Equal(0, single.GetProperty("bars").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, single.GetProperty("next_page_token").ValueKind);
        Assert.Equal(["SPY"], several.GetProperty("bars").EnumerateObject().Select(p => p.Name));
        Assert.True(several.GetProperty("bars").GetProperty("SPY").GetArrayLength() > 0);
    }

    [Fact]
    public async Task A_read_that_fails_before_its_first_bar_is_answered_with_problem_details()
    {
        await using (var connection = new NpgsqlConnection(_database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var rename = new NpgsqlCommand("ALTER TABLE bars_1m RENAME TO bars_1m_away", connection);
            await rename.ExecuteNonQueryAsync();
        }

        using var response = await _client.GetAsync("/bars/SPY?interval=1m&session=extended&start=2024-03-05&end=2024-03-05");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(500, problem.GetProperty("status").GetInt32());
        Assert.True(problem.TryGetProperty("trace_id", out _), body);
        Assert.DoesNotContain("bars_1m", body, StringComparison.Ordinal);
    }

    private async Task<JsonElement> GetJsonAsync(string url)
    {
        using var response = await _client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
