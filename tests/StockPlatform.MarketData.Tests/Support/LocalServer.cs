using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace StockPlatform.MarketData.Tests.Support;

/// <summary>A real Kestrel server on a free loopback port, for replaying recorded Alpaca traffic.</summary>
internal sealed class LocalServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalServer(WebApplication app) => _app = app;

    public Uri BaseUri => new(_app.Urls.Single());

    public static async Task<LocalServer> StartAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.UseWebSockets();
        map(app);
        await app.StartAsync();
        return new LocalServer(app);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
