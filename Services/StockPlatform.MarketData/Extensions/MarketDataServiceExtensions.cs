using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using StockPlatform.MarketData.Alpaca;
using StockPlatform.MarketData.Alpaca.Rest;
using StockPlatform.MarketData.Alpaca.Stream;
using StockPlatform.MarketData.Alpaca.Throttling;
using StockPlatform.ServiceDefaults.Http;

namespace StockPlatform.MarketData.Extensions;

/// <summary>Registers the Alpaca REST and stream clients.</summary>
public static class MarketDataServiceExtensions
{
    /// <summary>
    /// Adds <see cref="AlpacaRestClient"/> and <see cref="AlpacaStreamClient"/> configured from
    /// <c>Alpaca:*</c> and the <c>ALPACA_*</c> environment variables, with options validated at start-up.
    /// </summary>
    public static TBuilder AddAlpacaMarketData<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RateBudgetRegistry>();
        services.AddOptions<AlpacaOptions>()
            .BindConfiguration(AlpacaOptions.SectionName)
            .PostConfigure<IConfiguration>(ApplyEnvironmentOverrides)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddHttpClient<AlpacaRestClient>(AlpacaRestClient.HttpClientName, http =>
            {
                // Timeouts are per attempt inside the client, so a wait for rate budget never counts as one.
                http.Timeout = Timeout.InfiniteTimeSpan;
                http.DefaultRequestHeaders.UserAgent.ParseAdd("StockPlatform/0.1");
                http.DefaultRequestHeaders.Accept.ParseAdd("application/json");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            // The client has its own retry policy driven by Alpaca's rate-limit headers.
            .RemoveDefaultResilience();

        services.TryAddSingleton<AlpacaStreamClient>();
        return builder;
    }

    /// <summary>The flat <c>ALPACA_*</c> variables users know from Alpaca's tools win over the section.</summary>
    internal static void ApplyEnvironmentOverrides(AlpacaOptions options, IConfiguration configuration)
    {
        static string? Value(IConfiguration c, string key) => c[key] is { Length: > 0 } v ? v.Trim() : null;

        options.KeyId = Value(configuration, "ALPACA_KEY_ID") ?? options.KeyId;
        options.SecretKey = Value(configuration, "ALPACA_SECRET_KEY") ?? options.SecretKey;
        options.Feed = Value(configuration, "ALPACA_FEED") ?? options.Feed;
        if (Value(configuration, "ALPACA_DATA_URL") is { } data) options.DataUrl = AbsoluteUrl("ALPACA_DATA_URL", data);
        if (Value(configuration, "ALPACA_TRADING_URL") is { } trading) options.TradingUrl = AbsoluteUrl("ALPACA_TRADING_URL", trading);
        options.StreamUrl = Value(configuration, "ALPACA_STREAM_URL") ?? options.StreamUrl;
    }

    private static Uri AbsoluteUrl(string setting, string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new InvalidOperationException($"{setting} must be an absolute http(s) URL, not '{value}'.");
}
