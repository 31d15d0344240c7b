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

    /// <summary>Starts MarketSim allowing <paramref name="limit"/> requests per <paramref name="window"/>; a counter, when given, sees every answer.</summary>
    public static async Task<WebApplication> StartAsync(int limit, TimeSpan window, RequestCounter? counter = null)
    {
        var sim = MarketSimApp.Create([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            if (counter is not null) builder.Services.AddSingleton<IStartupFilter>(counter);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["MarketSim:KeyId"] = KeyId,
                ["MarketSim:SecretKey"] = Secret,
                ["MarketSim:RateLimit:RequestsPerWindow"] = limit.ToString(CultureInfo.InvariantCulture),
                ["MarketSim:RateLimit:Window"] = window.ToString("c", CultureInfo.InvariantCulture),
            });
        });
        await sim.StartAsync();
        return sim;
    }
}
