using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StockPlatform.ServiceDefaults.Logging.Shipping;

/// <summary>Ships a service's logs to the central log store.</summary>
public static class LogShippingExtensions
{
    // The defaults of Logging:Database:LogLevel, below every configuration source so any of them
    // overrides one: Information and up, but the framework's and the database client's chatter
    // only from Warning (the console still has it at its own levels).
    private static readonly Dictionary<string, string?> DefaultLevels = new()
    {
        [$"{LogShippingOptions.SectionName}:LogLevel:Default"] = "Information",
        [$"{LogShippingOptions.SectionName}:LogLevel:Microsoft"] = "Warning",
        [$"{LogShippingOptions.SectionName}:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        [$"{LogShippingOptions.SectionName}:LogLevel:System"] = "Warning",
        [$"{LogShippingOptions.SectionName}:LogLevel:Npgsql"] = "Warning",
        [$"{LogShippingOptions.SectionName}:LogLevel:Polly"] = "Warning",
    };

    /// <summary>
    /// Adds the <c>Database</c> logger: every entry the <c>Logging:Database:LogLevel</c> filters let
    /// through is queued in a bounded backlog and written in batches by <typeparamref name="TWriter"/>
    /// (resolved from the container: register it too), off the caller's path. Settings in
    /// <see cref="LogShippingOptions"/>; <c>Logging:Database:Enabled=false</c> leaves it out.
    /// Calling it again changes nothing.
    /// </summary>
    public static IHostApplicationBuilder AddDatabaseLogging<TWriter>(this IHostApplicationBuilder builder) where TWriter : class, ILogBatchWriter
    {
        var services = builder.Services;
        if (services.Any(service => service.ServiceType == typeof(LogBacklog))) return builder;

        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = DefaultLevels });
        services.AddOptions<LogShippingOptions>()
            .BindConfiguration(LogShippingOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (!builder.Configuration.GetValue($"{LogShippingOptions.SectionName}:{nameof(LogShippingOptions.Enabled)}", true)) return builder;

        services.AddMetrics();
        services.TryAddSingleton(sp => new LogBacklog(sp.GetRequiredService<IOptions<LogShippingOptions>>().Value.Capacity, sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton<ILogBatchWriter>(sp => sp.GetRequiredService<TWriter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, DatabaseLoggerProvider>());
        // Real time, not the application's TimeProvider: a simulated clock must not stall shipping.
        services.AddHostedService(sp => new LogShipper(sp.GetRequiredService<LogBacklog>(), sp.GetRequiredService<ILogBatchWriter>(),
            sp.GetRequiredService<IOptions<LogShippingOptions>>(), TimeProvider.System, sp.GetRequiredService<ILogger<LogShipper>>()));
        return builder;
    }
}
