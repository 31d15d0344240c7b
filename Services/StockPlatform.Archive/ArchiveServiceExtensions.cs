using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StockPlatform.Archive.Catalog;
using StockPlatform.Archive.Partitions;
using StockPlatform.Archive.Query;
using StockPlatform.Archive.Tiering;
using StockPlatform.Archive.Verification;

namespace StockPlatform.Archive;

public static class ArchiveServiceExtensions
{
    /// <summary>The archive under <c>Archive:Root</c> (default <c>data/</c> beside the working directory), its index, its DuckDB catalog, the archivers of bars and features and of trades and quotes, the sandboxed SQL runner, the verifier and the reader of bars over both tiers.</summary>
    public static IServiceCollection AddArchive(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ArchiveOptions>().Bind(configuration.GetSection(ArchiveOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<ArchiveOptions>>().Value;
            return new ArchiveLayout(options.Root, options.BarPartitioning);
        });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ArchivePartitionStore>();
        services.TryAddSingleton<ArchiveCatalog>();
        services.TryAddSingleton<SessionArchiver>();
        services.TryAddSingleton<TickArchiver>();
        services.TryAddSingleton<ArchiveSql>();
        services.TryAddSingleton<ArchiveVerifier>();
        services.TryAddSingleton<TieredBarReader>();
        services.TryAddSingleton<HotStoreRetention>();
        return services;
    }
}
