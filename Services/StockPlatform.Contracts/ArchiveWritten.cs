namespace StockPlatform.Contracts;

/// <summary>Event: one Parquet partition (dataset, symbol, session date) was written.</summary>
public sealed record ArchiveWritten(
    string Dataset,
    string Symbol,
    DateOnly SessionDate,
    string Path,
    long Rows,
    long Bytes);
