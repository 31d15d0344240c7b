using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StockPlatform.Bench.Support;
using StockPlatform.MarketData.Alpaca.Rest;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketData.Extensions;

namespace StockPlatform.Bench.Throttle;

/// <summary>
/// Backfills N pages from MarketSim limited to L requests per window, and compares the time with
/// the rate-limit minimum (N / L windows) and with the same backfill unthrottled, measured first
/// in the same run. The client should use the whole budget and waste none: close to the minimum,
/// with at most a handful of 429s.
/// </summary>
internal static class ThrottleBenchmark
{
    private const string KeyId = BenchMarketSim.KeyId;
    private const string Secret = BenchMarketSim.Secret;
    private static readonly Symbol Symbol = Symbol.Parse("SPY");
    private static readonly DateTimeOffset From = new(2023, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2024, 12, 31, 23, 59, 0, TimeSpan.Zero);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Arguments(args);
        var pages = options.Int("pages", 400);
        var limit = options.Int("limit", 200);
        var window = TimeSpan.FromSeconds(options.Double("window-seconds", 60));

        // Size the pages so the range takes the requested number of them.
        await using var unlimited = await BenchMarketSim.StartAsync(int.MaxValue, window);
        var total = (await FetchAsync(unlimited, 10_000)).Bars;
        var pageSize = (int)Math.Ceiling(total / (double)pages);

        var baseline = await FetchAsync(unlimited, pageSize);
        await using var limited = await BenchMarketSim.StartAsync(limit, window);
        var throttled = await FetchAsync(limited, pageSize);

        // The bound: N / L windows. With fixed windows a client that spends each window
        // fully finishes sooner: (ceil(N / L) - 1) whole windows, then the last batch at the
        // unthrottled pace. The second ratio shows whether any budget was left unused.
        var minimum = TimeSpan.FromTicks((long)(window.Ticks * (throttled.Pages / (double)limit)));
        var fullWindows = (throttled.Pages - 1) / limit;
        var lastBatch = throttled.Pages - (fullWindows * limit);
        var exactMinimum = (window * fullWindows) + (baseline.Elapsed * (lastBatch / (double)baseline.Pages));
        var ratio = throttled.Elapsed / minimum;
        var exactRatio = throttled.Elapsed / exactMinimum;
        Console.WriteLine($"bars                      {total:N0}");
        Console.WriteLine($"pages (N)                 {throttled.Pages} of {pageSize:N0} bars");
        Console.WriteLine($"limit (L)                 {limit} per {window.TotalSeconds:0} s");
        Console.WriteLine($"unthrottled baseline      {baseline.Elapsed.TotalSeconds:0.00} s ({baseline.Requests} requests)");
        Console.WriteLine($"throttled                 {throttled.Elapsed.TotalSeconds:0.00} s ({throttled.Requests} requests, {throttled.TooMany} x 429)");
        Console.WriteLine($"rate-limit minimum (N/L)  {minimum.TotalSeconds:0.00} s");
        Console.WriteLine($"ratio to minimum          {ratio:0.000} (goal <= 1.05)");
        Console.WriteLine($"window-exact minimum      {exactMinimum.TotalSeconds:0.00} s ({fullWindows} full windows, then {lastBatch} requests)");
        Console.WriteLine($"ratio to window-exact     {exactRatio:0.000} (1.00 = no budget wasted)");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            benchmark = "throttle",
            pages = throttled.Pages,
            limit,
            window_seconds = window.TotalSeconds,
            seconds = Math.Round(throttled.Elapsed.TotalSeconds, 2),
            minimum_seconds = Math.Round(minimum.TotalSeconds, 2),
            baseline_seconds = Math.Round(baseline.Elapsed.TotalSeconds, 2),
            ratio_to_minimum = Math.Round(ratio, 4),
            window_exact_minimum_seconds = Math.Round(exactMinimum.TotalSeconds, 2),
            ratio_to_window_exact_minimum = Math.Round(exactRatio, 4),
            status_429 = throttled.TooMany,
            figures = new[]
            {
                BenchFigure.AtMost("throttled backfill, wall time", BenchFigure.AnyPath, throttled.Elapsed.TotalSeconds, "s",
                    "the rate-limit minimum, N/L windows", minimum.TotalSeconds, 1.05),
                BenchFigure.AtMost("throttled backfill, wall time (window-exact)", BenchFigure.AnyPath, throttled.Elapsed.TotalSeconds, "s",
                    "full windows, then the last batch at the unthrottled pace", exactMinimum.TotalSeconds, 1.05),
                BenchFigure.Checked("429 responses", BenchFigure.AnyPath, throttled.TooMany, "responses", null, null, "<= 5", throttled.TooMany <= 5),
            },
        }));
        return ratio <= 1.05 && exactRatio <= 1.05 && throttled.TooMany <= 5 ? 0 : 1;
    }

    private sealed record Result(int Bars, int Pages, int Requests, int TooMany, TimeSpan Elapsed);

    private static async Task<Result> FetchAsync(WebApplication sim, int pageSize)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ALPACA_KEY_ID"] = KeyId,
            ["ALPACA_SECRET_KEY"] = Secret,
            ["ALPACA_DATA_URL"] = sim.Urls.Single(),
            ["ALPACA_TRADING_URL"] = sim.Urls.Single(),
            ["Alpaca:PageSize"] = pageSize.ToString(CultureInfo.InvariantCulture),
        });
        builder.AddAlpacaMarketData();
        var statuses = new StatusCounter();
        builder.Services.AddHttpClient(AlpacaRestClient.HttpClientName).AddHttpMessageHandler(() => statuses);
        using var host = builder.Build();
        var client = host.Services.GetRequiredService<AlpacaRestClient>();

        var bars = 0;
        var pages = 0;
        var watch = Stopwatch.StartNew();
        await foreach (var page in client.GetBarPagesAsync(BarsRequest.For(Symbol, BarInterval.OneMinute, From, To)))
        {
            bars += page.Bars.Count;
            pages++;
        }
        watch.Stop();
        return new Result(bars, pages, statuses.Total, statuses.TooMany, watch.Elapsed);
    }


    /// <summary>Counts answers by status as the client sees them (retries included).</summary>
    private sealed class StatusCounter : DelegatingHandler
    {
        private int _total;
        private int _tooMany;

        public int Total => _total;

        public int TooMany => _tooMany;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            Interlocked.Increment(ref _total);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) Interlocked.Increment(ref _tooMany);
            return response;
        }
    }
}
