using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StockPlatform.Archive;
using StockPlatform.Features.Building;
using StockPlatform.MarketData.Calendar;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Calendar;
using StockPlatform.Storage.Extensions;
using StockPlatform.Storage.Features;
using StockPlatform.Testing;

namespace StockPlatform.Features.Tests.Support;

/// <summary>
/// A database of the test's own (on the PostgreSQL ./scripts/test.sh starts, on whichever storage
/// path it runs) with the stores, the archive and the feature builder wired as the agent wires
/// them. Disposing drops the database and the archive folder.
/// </summary>
internal sealed class FeatureHost : IAsyncDisposable
{
    private const string Variable = "ConnectionStrings__stockplatform";
    private const string Hint = "Run the tests with ./scripts/test.sh: it starts a throwaway PostgreSQL and passes its connection string.";

    private readonly ThrowawayDatabase _database;
    private readonly IHost _host;

    private FeatureHost(ThrowawayDatabase database, IHost host, string archiveRoot)
    {
        (_database, _host, ArchiveRoot) = (database, host, archiveRoot);
    }

    public string ArchiveRoot { get; }

    public IServiceProvider Services => _host.Services;

    public BarStore Bars => Services.GetRequiredService<BarStore>();

    public FeatureStore Features => Services.GetRequiredService<FeatureStore>();

    public FeatureBuilder Builder => Services.GetRequiredService<FeatureBuilder>();

    public SessionArchiver Archiver => Services.GetRequiredService<SessionArchiver>();

    public static async Task<FeatureHost> CreateAsync()
    {
        var server = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(server)) throw new InvalidOperationException($"No PostgreSQL for the feature tests: {Variable} is not set. {Hint}");
        var database = await ThrowawayDatabase.CreateAsync(server, "sp_features_", Hint);
        var root = Path.Combine(Path.GetTempPath(), "sp-features-" + Guid.NewGuid().ToString("N"));
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:stockplatform"] = database.ConnectionString,
            ["Archive:Root"] = root,
        });
        builder.AddStorage();
        builder.Services.AddArchive(builder.Configuration);
        builder.Services.AddSingleton<FeatureRegistry>();
        builder.Services.AddSingleton<FeatureBuilder>();
        var host = new FeatureHost(database, builder.Build(), root);
        var calendar = host.Services.GetRequiredService<CalendarStore>();
        await calendar.SaveRangeAsync(new(2024, 1, 1), new(2024, 12, 31), [.. NyseCalendar.GetTradingDays(new(2024, 1, 1), new(2024, 12, 31))]);
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is IAsyncDisposable disposable) await disposable.DisposeAsync();
        else _host.Dispose();
        await _database.DisposeAsync();
        if (Directory.Exists(ArchiveRoot)) Directory.Delete(ArchiveRoot, recursive: true);
    }
}
