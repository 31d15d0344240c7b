using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StockPlatform.MarketData.Alpaca.Rest;
using StockPlatform.MarketData.Alpaca.Stream;
using StockPlatform.MarketData.Extensions;

namespace StockPlatform.MarketData.Tests.Support;

/// <summary>Builds the clients through the same DI registration the services use.</summary>
internal sealed class Clients : IDisposable
{
    public const string KeyId = "test-key-id";
    public const string SecretKey = "test-secret-key";

    private readonly IHost _host;

    private Clients(IHost host) => _host = host;

    public AlpacaRestClient Rest => _host.Services.GetRequiredService<AlpacaRestClient>();

    public AlpacaStreamClient Stream => _host.Services.GetRequiredService<AlpacaStreamClient>();

    /// <summary>Clients pointed at <paramref name="server"/> for REST (data and trading) and the stream.</summary>
    public static Clients For(Uri server, Dictionary<string, string?>? settings = null, string keyId = KeyId, string secretKey = SecretKey, ResponseLog? log = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        var ws = new UriBuilder(server) { Scheme = server.Scheme == "https" ? "wss" : "ws" }.Uri;
        var config = new Dictionary<string, string?>
        {
            ["ALPACA_KEY_ID"] = keyId,
            ["ALPACA_SECRET_KEY"] = secretKey,
            ["ALPACA_DATA_URL"] = server.ToString(),
            ["ALPACA_TRADING_URL"] = server.ToString(),
            ["ALPACA_STREAM_URL"] = new Uri(ws, "v2/{feed}").ToString().Replace("%7Bfeed%7D", "{feed}", StringComparison.Ordinal),
            ["Alpaca:RetryBaseDelay"] = "00:00:00.050",
            ["Alpaca:RetryMaxDelay"] = "00:00:00.500",
            ["Alpaca:StreamReconnectDelay"] = "00:00:00.100",
            ["Alpaca:StreamMaxReconnectDelay"] = "00:00:01",
        };
        foreach (var (key, value) in settings ?? []) config[key] = value;
        builder.Configuration.AddInMemoryCollection(config);
        builder.AddAlpacaMarketData();
        if (log is not null)
            builder.Services.AddHttpClient(AlpacaRestClient.HttpClientName).AddHttpMessageHandler(log.CreateHandler);
        return new Clients(builder.Build());
    }

    public void Dispose() => _host.Dispose();
}
