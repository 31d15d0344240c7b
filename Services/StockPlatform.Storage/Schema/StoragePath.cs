namespace StockPlatform.Storage.Schema;

/// <summary>Which schema a database uses; chosen at its first migration and kept from then on.</summary>
public enum StoragePath
{
    /// <summary>Plain tables; intervals aggregated on read.</summary>
    Plain,

    /// <summary>Hypertable, compression and continuous aggregates.</summary>
    Timescale,
}
