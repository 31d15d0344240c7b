using System.Globalization;
using Microsoft.Extensions.Options;
using StockPlatform.MarketSim.Clock;
using StockPlatform.MarketSim.Options;

namespace StockPlatform.MarketSim.Apis;

/// <summary><c>GET /</c>: a plain-text banner, so whoever opens MarketSim in a browser sees that its data is synthetic.</summary>
internal static class BannerApi
{
    public static IEndpointRouteBuilder MapBannerApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", GetBanner).WithName("GetBanner").WithTags("Platform");
        return app;
    }

    internal static IResult GetBanner(SimulatedClock clock, IOptions<MarketSimOptions> options) =>
        TypedResults.Text(string.Create(CultureInfo.InvariantCulture, $$"""
            MarketSim: an Alpaca-compatible market-data simulator.
            ALL DATA SERVED HERE IS SYNTHETIC: generated prices, not real market data.

            simulated clock: {{AlpacaJson.FormatTimestamp(clock.Now)}} (speed x{{clock.Speed}})
            seed: {{options.Value.Seed}}
            feeds: {{string.Join(", ", options.Value.Feeds)}}
            REST: /v2/stocks/{symbol}/bars, /v2/stocks/bars, /v2/stocks/{symbol}/trades, /v2/stocks/trades,
                  /v2/stocks/{symbol}/quotes, /v2/stocks/quotes, /v2/calendar, /v1/corporate-actions
            stream: ws://<this host>/v2/{feed}

            """), "text/plain; charset=utf-8");
}
