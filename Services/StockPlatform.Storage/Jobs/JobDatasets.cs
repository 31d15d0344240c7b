using StockPlatform.Storage.Ledger;

namespace StockPlatform.Storage.Jobs;

/// <summary>
/// The datasets a backfill job fetches (<see cref="LedgerDatasets"/>): bars by default, any of
/// bars, trades and quotes on request. Kept in one order (<see cref="LedgerDatasets.All"/>) so the
/// same request spelt two ways is the same job.
/// </summary>
public static class JobDatasets
{
    /// <summary>What a backfill fetches when the request names nothing: 1-minute bars.</summary>
    public static readonly IReadOnlyList<string> Default = [LedgerDatasets.Bars];

    /// <summary>True for a dataset name a job may ask for.</summary>
    public static bool IsKnown(string? name) => name is not null && LedgerDatasets.All.Contains(name);

    /// <summary>The known datasets of <paramref name="names"/>, each once, in <see cref="LedgerDatasets.All"/>'s order.</summary>
    /// <exception cref="ArgumentException">A name is not a dataset.</exception>
    public static IReadOnlyList<string> Normalize(IEnumerable<string> names)
    {
        var given = names.ToHashSet(StringComparer.Ordinal);
        if (given.FirstOrDefault(name => !IsKnown(name)) is { } unknown)
            throw new ArgumentException($"'{unknown}' is not a dataset; use {string.Join(", ", LedgerDatasets.All)}", nameof(names));
        return [.. LedgerDatasets.All.Where(given.Contains)];
    }

    /// <summary>The rows inserted per dataset of <paramref name="datasets"/>, from the stored counters.</summary>
    public static IReadOnlyDictionary<string, long> RowsInserted(IReadOnlyList<string> datasets, long bars, long trades, long quotes) =>
        datasets.ToDictionary(dataset => dataset, dataset => dataset switch
        {
            LedgerDatasets.Trades => trades,
            LedgerDatasets.Quotes => quotes,
            _ => bars,
        }, StringComparer.Ordinal);
}

/// <summary>Trades and quotes a window stored (new rows only), kept beside its bar counts.</summary>
public readonly record struct TickCounts(long Trades, long Quotes)
{
    /// <summary>Adds two counts.</summary>
    public static TickCounts operator +(TickCounts a, TickCounts b) => new(a.Trades + b.Trades, a.Quotes + b.Quotes);
}
