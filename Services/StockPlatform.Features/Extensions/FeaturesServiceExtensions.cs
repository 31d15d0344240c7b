using StockPlatform.Archive;
using StockPlatform.Storage.Extensions;

namespace StockPlatform.Features.Extensions;

internal static class FeaturesServiceExtensions
{
    /// <summary>The hot store, the archive, the feature builder and the session archiver.</summary>
    public static WebApplicationBuilder AddFeatures(this WebApplicationBuilder builder)
    {
        builder.AddStorage();
        builder.Services.AddArchive(builder.Configuration);
        return builder;
    }
}
