using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StockPlatform.Archive.Catalog;
using StockPlatform.Archive.Partitions;
using StockPlatform.Archive.Query;
using StockPlatform.Archive.Verification;

namespace StockPlatform.Archive;

public static class ArchiveServiceExtensions
{
    /// <summary>The archive under <c>Archive:Root</c> (default <c>data/</c> beside the working directory), its index, its DuckDB catalog, the sandboxed SQL runner and the verifier.</summary>
    public static IServiceCollection AddArchive(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(new ArchiveLayout(configuration["Archive:Root"] is { Length: > 0 } root ? root : "data"));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ArchivePartitionStore>();
        services.TryAddSingleton<ArchiveCatalog>();
        services.TryAddSingleton<SessionArchiver>();
        services.TryAddSingleton<ArchiveSql>();
        services.TryAddSingleton<ArchiveVerifier>();
        return services;
    }
}
