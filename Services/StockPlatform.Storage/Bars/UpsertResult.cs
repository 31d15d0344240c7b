namespace StockPlatform.Storage.Bars;

/// <summary>
/// What an upsert did: new bars, corrected bars (a stored bar with other values, such as an
/// Alpaca updated bar) and bars already stored exactly so.
/// </summary>
public readonly record struct UpsertResult(int Inserted, int Corrected, int Unchanged)
{
    /// <summary>Bars in the batch.</summary>
    public int Total => Inserted + Corrected + Unchanged;

    /// <summary>Adds two results (a job's running totals).</summary>
    public static UpsertResult operator +(UpsertResult a, UpsertResult b) =>
        new(a.Inserted + b.Inserted, a.Corrected + b.Corrected, a.Unchanged + b.Unchanged);
}
