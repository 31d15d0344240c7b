using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StockPlatform.MarketSim.Apis;
using StockPlatform.MarketSim.Clock;
using StockPlatform.MarketSim.Data;
using StockPlatform.MarketSim.Faults;
using StockPlatform.MarketSim.Options;
using StockPlatform.MarketSim.RateLimiting;
using StockPlatform.MarketSim.Streaming;

namespace StockPlatform.MarketSim;

/// <summary>Builds the MarketSim web application; used by Program.cs and by tests that host it on a real port.</summary>
public static class MarketSimApp
{
    /// <summary>
    /// Creates the application, ready to start. <paramref name="configure"/> runs after the
    /// defaults are registered and before the app is built: tests use it for
    /// <c>builder.WebHost.UseUrls("http://127.0.0.1:0")</c> and for <c>MarketSim:*</c> settings.
    /// Resolve <see cref="SyntheticMarket"/> and <see cref="SimulatedClock"/> from
    /// <c>app.Services</c> for the ground truth the service sends, and <see cref="RuntimeFaults"/>
    /// to switch faults on while it runs.
    /// </summary>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults();
        AddMarketSim(builder.Services);
        configure?.Invoke(builder);

        var app = builder.Build();
        UseMarketSim(app);
        return app;
    }

    private static void AddMarketSim(IServiceCollection services)
    {
        services.AddOptions<MarketSimOptions>()
            .BindConfiguration(MarketSimOptions.SectionName)
            .PostConfigure(options => options.ApplyDefaults())
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<MarketSimOptions>, MarketSimOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp =>
        {
            var stream = sp.GetRequiredService<IOptions<MarketSimOptions>>().Value.Stream;
            return new SimulatedClock(sp.GetRequiredService<TimeProvider>(), stream.Start, stream.Speed);
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<MarketSimOptions>>().Value;
            return new SyntheticMarket(options.Seed, options.LiquidSymbols);
        });
        services.AddSingleton(sp => sp.GetRequiredService<SyntheticMarket>().Actions);
        services.AddSingleton<FixedWindowRateLimiter>();
        services.AddSingleton<FaultInjector>();
        services.AddSingleton<StreamHub>();
        services.AddSingleton(sp => new RuntimeFaults(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<StreamHub>()));
        services.AddHostedService<StreamTicker>();
        services.AddHostedService<TapeTicker>();

        services.ConfigureHttpJsonOptions(json => AlpacaJson.Configure(json.SerializerOptions));
        services.AddResponseCompression(compression =>
        {
            compression.EnableForHttps = true;
            compression.Providers.Add<GzipCompressionProvider>();
        });
    }

    private static void UseMarketSim(WebApplication app)
    {
        // Unhandled errors answer like Alpaca's 500s, not with an HTML page or problem details.
        app.UseExceptionHandler(error => error.Run(context =>
            ApiErrors.InternalError().ExecuteAsync(context)));
        app.UseWebSockets();
        app.UseWhen(context => !context.WebSockets.IsWebSocketRequest, branch => branch.UseResponseCompression());

        app.MapDefaultEndpoints();
        app.MapBannerApi();
        app.MapBarsApi();
        app.MapTradesAndQuotesApi();
        app.MapCalendarApi();
        app.MapCorporateActionsApi();
        app.MapStreamEndpoint();
    }
}
