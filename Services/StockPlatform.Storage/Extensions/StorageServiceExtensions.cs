using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using StockPlatform.ServiceDefaults.Agents;
using StockPlatform.ServiceDefaults.Logging.Shipping;
using StockPlatform.Storage.Agents;
using StockPlatform.Storage.Aggregates;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Calendar;
using StockPlatform.Storage.CorporateActions;
using StockPlatform.Storage.Features;
using StockPlatform.Storage.Infrastructure;
using StockPlatform.Storage.Jobs;
using StockPlatform.Storage.Ledger;
using StockPlatform.Storage.Logs;
using StockPlatform.Storage.Schema;
using StockPlatform.Storage.Ticks;
using StockPlatform.Storage.Tracking;

namespace StockPlatform.Storage.Extensions;

/// <summary>Registers the hot store.</summary>
public static class StorageServiceExtensions
{
    /// <summary>The connection string name Aspire and the scripts use for the platform's database.</summary>
    public const string ConnectionName = "stockplatform";

    /// <summary>
    /// Adds the PostgreSQL data source (<c>ConnectionStrings:stockplatform</c>, through Aspire's Npgsql
    /// integration: pooling, a health check, tracing and metrics), the migrations
    /// (applied at start-up), the bar, trade, quote, corporate action, calendar, ledger, job and log stores, (TimescaleDB path) the
    /// continuous aggregates' refresher, and log shipping: the service's logs also go to the
    /// <c>logs</c> table (<see cref="LogShippingExtensions.AddDatabaseLogging{TWriter}"/>; plain path: with
    /// a sweep of records past <see cref="StorageOptions.LogRetention"/>).
    /// </summary>
    public static TBuilder AddStorage<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddNpgsqlDataSource(ConnectionName, configureDataSourceBuilder: dataSource =>
        {
            // PostgreSQL's JIT compiles a read over a hypertable's chunks for seconds (nine for a
            // year of daily bars) before running it in milliseconds; these queries never gain from it.
            var options = dataSource.ConnectionStringBuilder.Options;
            dataSource.ConnectionStringBuilder.Options = string.IsNullOrWhiteSpace(options) ? "-c jit=off" : options + " -c jit=off";
        });
        var services = builder.Services;
        // First, so the shipper is among the last hosted services to stop: it writes what the others log while stopping.
        services.TryAddSingleton<LogStore>();
        builder.AddDatabaseLogging<LogStore>();
        services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DbRetry>();
        services.TryAddSingleton<MigrationRunner>();
        services.TryAddSingleton<StorageSchema>();
        services.TryAddSingleton<CalendarStore>();
        services.TryAddSingleton<IngestLedger>();
        services.TryAddSingleton<BarStore>();
        services.TryAddSingleton<TradeStore>();
        services.TryAddSingleton<QuoteStore>();
        services.TryAddSingleton<TickFingerprints>();
        services.TryAddSingleton<CorporateActionStore>();
        services.TryAddSingleton<JobStore>();
        services.TryAddSingleton<FeatureStore>();
        services.TryAddSingleton<TrackingStore>();
        services.TryAddSingleton<LiveRefillStore>();
        services.TryAddSingleton<AgentStore>();
        // An agent (AddAgent) reads its pause from here at start-up and at every heartbeat.
        services.TryAddSingleton<IAgentControlStore>(provider => provider.GetRequiredService<AgentStore>());
        services.AddOptions<AggregateRefreshOptions>()
            .BindConfiguration(AggregateRefreshOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<AggregateRefresher>();
        services.AddHostedService<StorageStartup>();
        services.AddHostedService<AggregateRefreshService>();
        services.AddHostedService<LogRetentionService>();
        return builder;
    }
}
