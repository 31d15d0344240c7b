using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketSim.Clock;
using StockPlatform.MarketSim.Data;

namespace StockPlatform.MarketSim.Tests.Support;

/// <summary>MarketSim on a real loopback port through <see cref="MarketSimApp.Create"/>, configured per test.</summary>
internal sealed class SimHost : IAsyncDisposable
{
    public const string KeyId = "sim-key";
    public const string SecretKey = "sim-secret";

    // A fixed simulated "now" after all the data the REST tests read, so results never depend on the real date.
    public const string FixedStart = "2025-06-02T00:00:00Z";

    private readonly WebApplication _app;

    private SimHost(WebApplication app)
    {
        _app = app;
        BaseUri = new Uri(app.Urls.Single());
        Http = CreateClient(KeyId, SecretKey);
    }

    public Uri BaseUri { get; }

    /// <summary>A client sending the configured key pair.</summary>
    public HttpClient Http { get; }

    /// <summary>The ground truth the service serves.</summary>
    public SyntheticMarket Market => _app.Services.GetRequiredService<SyntheticMarket>();

    /// <summary>The simulated clock the service runs on.</summary>
    public SimulatedClock Clock => _app.Services.GetRequiredService<SimulatedClock>();

    /// <summary>The faults a test switches on while the service runs.</summary>
    public Faults.RuntimeFaults Faults => _app.Services.GetRequiredService<Faults.RuntimeFaults>();

    /// <summary>
    /// Starts the host with the given <c>MarketSim:*</c> settings; <paramref name="time"/> replaces
    /// the system's time (e.g. a <see cref="HeldTimeProvider"/> that keeps the simulated clock still).
    /// </summary>
    public static async Task<SimHost> StartAsync(Dictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        var config = new Dictionary<string, string?>
        {
            ["MarketSim:KeyId"] = KeyId,
            ["MarketSim:SecretKey"] = SecretKey,
            ["MarketSim:Stream:Start"] = FixedStart,
        };
        foreach (var (key, value) in settings ?? []) config[key] = value;

        var app = MarketSimApp.Create([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration.AddInMemoryCollection(config);
            builder.Logging.ClearProviders();
            if (time is not null) builder.Services.Replace(ServiceDescriptor.Singleton(time));
        });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return new SimHost(app);
    }

    /// <summary>A client with the given key pair (null leaves a header out).</summary>
    public HttpClient CreateClient(string? keyId, string? secretKey)
    {
        var client = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = BaseUri };
        if (keyId is not null) client.DefaultRequestHeaders.Add("APCA-API-KEY-ID", keyId);
        if (secretKey is not null) client.DefaultRequestHeaders.Add("APCA-API-SECRET-KEY", secretKey);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    public Uri StreamUri(string feed) => new($"ws://{BaseUri.Authority}/v2/{feed}");

    /// <summary>GET with the configured keys; the body is parsed when it is JSON.</summary>
    public Task<ApiResponse> GetAsync(string pathAndQuery) => GetAsync(Http, pathAndQuery);

    public static async Task<ApiResponse> GetAsync(HttpClient client, string pathAndQuery)
    {
        using var response = await client.GetAsync(pathAndQuery);
        var body = await response.Content.ReadAsStringAsync();
        var json = response.Content.Headers.ContentType?.MediaType == "application/json" ? JsonDocument.Parse(body).RootElement.Clone() : (JsonElement?)null;
        return new ApiResponse(response.StatusCode, body, json, response.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Follows <c>next_page_token</c> until null; returns every page's body.</summary>
    public async Task<List<JsonElement>> GetAllPagesAsync(string pathAndQuery)
    {
        var pages = new List<JsonElement>();
        string? token = null;
        do
        {
            var url = token is null ? pathAndQuery : $"{pathAndQuery}&page_token={Uri.EscapeDataString(token)}";
            var response = await GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.Status);
            var page = response.Json!.Value;
            pages.Add(page);
            token = page.GetProperty("next_page_token").GetString();
            Assert.True(pages.Count < 1000, "pagination does not end");
        }
        while (token is not null);
        return pages;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.DisposeAsync();
    }
}

/// <summary>What came back: status, raw body, parsed JSON (if any) and the response headers.</summary>
internal sealed record ApiResponse(HttpStatusCode Status, string Body, JsonElement? Json, IReadOnlyDictionary<string, string> Headers)
{
    public JsonElement Root => Json ?? throw new InvalidOperationException($"not JSON: {Body}");
}

/// <summary>Reads Alpaca JSON back into domain values.</summary>
internal static class AlpacaJsonReader
{
    public static Bar ReadBar(JsonElement e) => new(
        DateTimeOffset.ParseExact(e.GetProperty("t").GetString()!, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
        e.GetProperty("o").GetDecimal(),
        e.GetProperty("h").GetDecimal(),
        e.GetProperty("l").GetDecimal(),
        e.GetProperty("c").GetDecimal(),
        e.GetProperty("v").GetInt64(),
        e.GetProperty("n").GetInt64(),
        e.GetProperty("vw").GetDecimal());

    public static List<Bar> ReadBars(JsonElement array) => array.EnumerateArray().Select(ReadBar).ToList();

    public static Trade ReadTrade(JsonElement e) => new(
        NanoTime.Parse(e.GetProperty("t").GetString()!),
        e.GetProperty("i").GetInt64(),
        e.GetProperty("x").GetString()!,
        e.GetProperty("p").GetDecimal(),
        e.GetProperty("s").GetInt64(),
        e.GetProperty("c").EnumerateArray().Select(c => c.GetString()!).ToArray(),
        e.GetProperty("z").GetString()!);

    public static Quote ReadQuote(JsonElement e) => new(
        NanoTime.Parse(e.GetProperty("t").GetString()!),
        e.GetProperty("bx").GetString()!,
        e.GetProperty("bp").GetDecimal(),
        e.GetProperty("bs").GetInt64(),
        e.GetProperty("ax").GetString()!,
        e.GetProperty("ap").GetDecimal(),
        e.GetProperty("as").GetInt64(),
        e.GetProperty("c").EnumerateArray().Select(c => c.GetString()!).ToArray(),
        e.GetProperty("z").GetString()!);

    /// <summary>The rows under <paramref name="key"/> (<c>trades</c>, <c>quotes</c>) of a single- or multi-symbol page, in response order.</summary>
    public static List<(string Symbol, T Row)> ReadRows<T>(JsonElement page, string key, Func<JsonElement, T> read)
    {
        var rows = page.GetProperty(key);
        if (rows.ValueKind == JsonValueKind.Array)
        {
            var symbol = page.GetProperty("symbol").GetString()!;
            return rows.EnumerateArray().Select(r => (symbol, read(r))).ToList();
        }
        return rows.EnumerateObject().SelectMany(p => p.Value.EnumerateArray().Select(r => (p.Name, read(r)))).ToList();
    }

    /// <summary>The bars of a single-symbol page, or of every symbol of a multi-symbol page, in response order.</summary>
    public static List<(string Symbol, Bar Bar)> ReadPage(JsonElement page)
    {
        var bars = page.GetProperty("bars");
        if (bars.ValueKind == JsonValueKind.Array)
        {
            var symbol = page.GetProperty("symbol").GetString()!;
            return bars.EnumerateArray().Select(b => (symbol, ReadBar(b))).ToList();
        }
        return bars.EnumerateObject().SelectMany(p => p.Value.EnumerateArray().Select(b => (p.Name, ReadBar(b)))).ToList();
    }
}
