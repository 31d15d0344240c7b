namespace StockPlatform.MarketSim;

/// <summary>Builds the MarketSim web application; used by Program.cs and by tests that host it on a real port.</summary>
public static class MarketSimApp
{
    /// <summary>Creates the application, ready to start.</summary>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapDefaultEndpoints();
        return app;
    }
}
