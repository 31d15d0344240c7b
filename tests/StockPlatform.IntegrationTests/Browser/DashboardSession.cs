using Microsoft.Playwright;
using StockPlatform.IntegrationTests.EndToEnd;
using StockPlatform.Testing;

namespace StockPlatform.IntegrationTests.Browser;

/// <summary>
/// The dashboard as users run it, for browser tests: a <see cref="PlatformStack"/> (MarketSim,
/// ingestion agent, database, broker), the feature agent, a gateway and the dashboard as processes
/// on real ports (agent and gateway sharing an archive folder of the session's own), and
/// Debian's Chromium driven by Playwright (no browser download: <c>/usr/bin/chromium</c>, or
/// <c>CHROMIUM_PATH</c>). Every console error and uncaught page error is collected; screenshots
/// go under the test output's <c>screenshots/</c>.
/// </summary>
internal sealed class DashboardSession : IAsyncDisposable
{
    private readonly List<ServiceProcess> _processes;

    private readonly string _archiveRoot;

    private DashboardSession(PlatformStack stack, ServiceProcess features, ServiceProcess gateway, ServiceProcess frontend, IPlaywright playwright, IBrowser browser, string archiveRoot)
    {
        Stack = stack;
        Gateway = gateway;
        Frontend = frontend;
        Playwright = playwright;
        Browser = browser;
        _archiveRoot = archiveRoot;
        _processes = [features, gateway, frontend];
    }

    public PlatformStack Stack { get; }

    public ServiceProcess Gateway { get; }

    public ServiceProcess Frontend { get; }

    public IPlaywright Playwright { get; }

    public IBrowser Browser { get; }

    /// <summary>Console errors, uncaught errors and failed requests of every page opened.</summary>
    public List<string> Errors { get; } = [];

    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public static async Task<DashboardSession> StartAsync(int windowDays = 5, Dictionary<string, string?>? simSettings = null, bool live = false, bool fastHeartbeats = false)
    {
        // One-second heartbeats, so a killed agent shows stalled within a few seconds.
        var heartbeat = fastHeartbeats ? "00:00:01" : "00:00:05";
        var stack = await PlatformStack.StartAsync(simSettings: simSettings, windowDays: windowDays, agentSettings: new() { ["Agent__HeartbeatInterval"] = heartbeat });
        if (live) await stack.StartLiveStreamAsync();
        var archiveRoot = Path.Combine(Path.GetTempPath(), "sp-browser-archive-" + Guid.NewGuid().ToString("N"));
        var features = ServiceProcess.Start(Path.Combine("Services", "StockPlatform.Features"), "StockPlatform.Features", new Dictionary<string, string>
        {
            ["ConnectionStrings__stockplatform"] = stack.ConnectionString,
            ["ConnectionStrings__messaging"] = TestServers.MessagingConnectionString,
            ["Messaging__EndpointPrefix"] = "browserfeatures" + Guid.NewGuid().ToString("N")[..8],
            ["Messaging__Namespace"] = stack.Namespace,
            ["Archive__Root"] = archiveRoot,
            ["Features__BatchWait"] = "00:00:00.500",
            ["Agent__HeartbeatInterval"] = heartbeat,
            ["Logging__LogLevel__Default"] = "Warning",
        });
        await features.WaitHealthyAsync(TimeSpan.FromSeconds(90));
        var gateway = ServiceProcess.Start("Gateway", "StockPlatform.Gateway", new Dictionary<string, string>
        {
            ["Archive__Root"] = archiveRoot,
            ["ConnectionStrings__stockplatform"] = stack.ConnectionString,
            ["ConnectionStrings__messaging"] = TestServers.MessagingConnectionString,
            ["Messaging__EndpointPrefix"] = "browser" + Guid.NewGuid().ToString("N")[..8],
            ["Messaging__Namespace"] = stack.Namespace,
            ["GATEWAY_API_KEY"] = PlatformStack.ApiKey,
            ["STOCKPLATFORM_MARKET_DATA"] = "MarketSim (synthetic data)",
            ["Ingest__WindowDays"] = windowDays.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Operations__CheckInterval"] = heartbeat,
            ["Logging__LogLevel__Default"] = "Warning",
        });
        await gateway.WaitHealthyAsync(TimeSpan.FromSeconds(90));
        var frontend = ServiceProcess.Start(Path.Combine("Frontend", "StockPlatform.Frontend"), "StockPlatform.Frontend", new Dictionary<string, string>
        {
            ["services__gateway__http__0"] = gateway.Url.ToString(),
            ["services__ingestion__http__0"] = stack.Agent!.Url.ToString(),
            ["services__features__http__0"] = features.Url.ToString(),
            ["GATEWAY_API_KEY"] = PlatformStack.ApiKey,
            // Development serves the static web assets (MudBlazor, the chart library) from the build, as dotnet run does.
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Logging__LogLevel__Default"] = "Warning",
        });
        await frontend.WaitHealthyAsync(TimeSpan.FromSeconds(90));

        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox"],
        });
        Directory.CreateDirectory(ScreenshotDirectory);
        return new DashboardSession(stack, features, gateway, frontend, playwright, browser, archiveRoot);
    }

    /// <summary>A page at the given size whose errors land in <see cref="Errors"/>.</summary>
    public async Task<IPage> OpenAsync(int width = 1280, int height = 900, bool phone = false)
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = Frontend.Url.ToString(),
            ViewportSize = new() { Width = width, Height = height },
            IsMobile = phone,
            HasTouch = phone,
        });
        var page = await context.NewPageAsync();
        page.Console += (_, message) => { if (message.Type == "error") lock (Errors) Errors.Add($"console: {message.Text} ({page.Url})"); };
        page.PageError += (_, error) => { lock (Errors) Errors.Add($"uncaught: {error} ({page.Url})"); };
        page.RequestFailed += (_, request) => { lock (Errors) Errors.Add($"request failed: {request.Url} {request.Failure}"); };
        return page;
    }

    /// <summary>Opens a dashboard address and waits until the interactive circuit has rendered it.</summary>
    public static async Task GoAsync(IPage page, string path)
    {
        // Generous: the first answer is a server render that reads the gateway, slow on a loaded CI machine.
        await page.GotoAsync(path, new() { Timeout = 90_000 });
        // Prerendered markup is there before the circuit connects; the layout says when it is interactive.
        await page.Locator(".mud-layout[data-interactive=true]").WaitForAsync(new() { Timeout = 30_000 });
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        foreach (var process in _processes) await process.DisposeAsync();
        await Stack.DisposeAsync();
        if (Directory.Exists(_archiveRoot)) Directory.Delete(_archiveRoot, recursive: true);
    }
}
