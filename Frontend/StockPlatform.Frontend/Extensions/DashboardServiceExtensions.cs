using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor.Services;
using StockPlatform.Frontend.Gateway;
using StockPlatform.Frontend.Services;
using StockPlatform.ServiceDefaults.Http;

namespace StockPlatform.Frontend.Extensions;

internal static class DashboardServiceExtensions
{
    /// <summary>Where the gateway is: service discovery's name, which the AppHost (or configuration) resolves.</summary>
    private static readonly Uri GatewayAddress = new("https+http://gateway");

    public static WebApplicationBuilder AddDashboardServices(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        // Heartbeat ages and log time ranges read the clock through this (tests set it).
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Services.AddOptions<GatewayClientOptions>()
            .Configure(options => options.ApiKey = builder.Configuration["GATEWAY_API_KEY"]?.Trim());
        // The standard resilience handler comes with every client (ServiceDefaults).
        builder.Services.AddHttpClient<GatewayClient>(http => http.BaseAddress = GatewayAddress);
        // The event stream stays open: no total timeout, no retries (it reconnects by itself).
        builder.Services.AddHttpClient(GatewayEvents.ClientName, http =>
        {
            http.BaseAddress = GatewayAddress;
            http.Timeout = Timeout.InfiniteTimeSpan;
        }).RemoveDefaultResilience();
        builder.Services.AddSingleton<GatewayEvents>();
        builder.Services.AddHostedService(services => services.GetRequiredService<GatewayEvents>());

        builder.Services.AddHttpClient(ServiceHealth.ClientName, http => http.Timeout = TimeSpan.FromSeconds(5)).RemoveDefaultResilience();
        builder.Services.AddSingleton<ServiceHealth>();
        return builder;
    }
}
