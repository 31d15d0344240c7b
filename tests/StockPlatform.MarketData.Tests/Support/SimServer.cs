using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using StockPlatform.MarketSim;

namespace StockPlatform.MarketData.Tests.Support;

/// <summary>MarketSim hosted in-process on a real loopback port, configured per test.</summary>
internal sealed class SimServer : IAsyncDisposable
{
    public const string KeyId = Clients.KeyId;
    public const string SecretKey = Clients.SecretKey;

    private readonly WebApplication _app;

    private SimServer(WebApplication app) => _app = app;

    public Uri BaseUri => new(_app.Urls.Single());

    public IServiceProvider Services => _app.Services;

    public static async Task<SimServer> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var config = new Dictionary<string, string?>
        {
            ["MarketSim:KeyId"] = KeyId,
            ["MarketSim:SecretKey"] = SecretKey,
            ["MarketSim:RateLimit:RequestsPerWindow"] = "100000",
        };
        foreach (var (key, value) in settings ?? []) config[key] = value;

        var app = MarketSimApp.Create([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration.AddInMemoryCollection(config);
            builder.Logging.ClearProviders();
        });
        await app.StartAsync();
        return new SimServer(app);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
