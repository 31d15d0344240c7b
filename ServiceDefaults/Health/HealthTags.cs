namespace StockPlatform.ServiceDefaults.Health;

/// <summary>Tags that decide which endpoint runs a health check.</summary>
public static class HealthTags
{
    /// <summary>Runs on <c>/alive</c> too: the process itself, nothing it depends on.</summary>
    public const string Live = "live";

    /// <summary>Runs on <c>/health</c> only: a dependency the service needs to do work.</summary>
    public const string Ready = "ready";
}
