namespace StockPlatform.ServiceDefaults.Health;

/// <summary>Tags that decide which endpoint runs a health check.</summary>
public static class HealthTags
{
    /// <summary>Runs on <c>/alive</c> too: the process itself, nothing it depends on.</summary>
    public const string Live = "live";
}
