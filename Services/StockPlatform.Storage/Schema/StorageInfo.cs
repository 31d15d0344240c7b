namespace StockPlatform.Storage.Schema;

/// <summary>What the hot store runs on, for <c>/version</c> and the logs.</summary>
public sealed record StorageInfo(StoragePath Path, string ServerVersion, string? TimescaleVersion, int SchemaVersion)
{
    /// <summary>A one-line description, e.g. "TimescaleDB 2.17.2 on PostgreSQL 17.2".</summary>
    public string Describe() => Path == StoragePath.Timescale
        ? $"TimescaleDB {TimescaleVersion} on PostgreSQL {ServerVersion}"
        : $"PostgreSQL {ServerVersion} (plain tables, TimescaleDB not in use)";
}
