using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StockPlatform.MarketSim;

namespace StockPlatform.Bench.Support;

/// <summary>MarketSim in the bench's process on a free port, with the bench's keys and a rate limit.</summary>
internal static class BenchMarketSim
{
    public const string KeyId = "bench-key";
    public const string Secret = "bench-secret";

    /// <summary>The settings that make every one of <paramref name="symbols"/> liquid (a bar in nearly every regular minute).</summary>
    public static Dictionary<string, string?> Liquid(IReadOnlyList<string> symbols) =>
        symbols.Select((symbol, i) => (Key: $"MarketSim:LiquidSymbols:{i}", Value: symbol)).ToDictionary(p => p.Key, p => (string?)p.Value);

    /// <summary>
    /// Starts MarketSim allowing <paramref name="limit"/> requests per <paramref name="window"/>; a counter, when given, sees every answer.
    /// <paramref name="settings"/> add to its configuration (liquid symbols, the stream's clock); <paramref name="url"/> is a
    /// port chosen beforehand (services that connect to it may start first), else a free one.
    /// </summary>
    public static async Task<WebApplication> StartAsync(int limit, TimeSpan window, RequestCounter? counter = null,
        IReadOnlyDictionary<string, string?>? settings = null, string? url = null)
    {
        var sim = MarketSimApp.Create([], builder =>
        {
            builder.WebHost.UseUrls(url ?? "http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            if (counter is not null) builder.Services.AddSingleton<IStartupFilter>(counter);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["MarketSim:KeyId"] = KeyId,
                ["MarketSim:SecretKey"] = Secret,
                ["MarketSim:RateLimit:RequestsPerWindow"] = limit.ToString(CultureInfo.InvariantCulture),
                ["MarketSim:RateLimit:Window"] = window.ToString("c", CultureInfo.InvariantCulture),
            });
            if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        });
        await sim.StartAsync();
        return sim;
    }
}
