using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Tests.Support;

namespace StockPlatform.Storage.Tests;

/// <summary>
/// Seeded random minutes, stored three times: in a database without a calendar, so reads fall back
/// to the NYSE rules, whose aggregates are never refreshed (every hour dirty); in one whose calendar
/// was saved (as the ingestion saves Alpaca's) and whose aggregates were refreshed; and in one
/// whose aggregates were refreshed over stale values for half the minutes, which were then
/// corrected, with the other half written after the refresh (some hours current, some dirty).
/// On the plain path the three are alike. The weeks around both 2024 clock changes and
/// Thanksgiving week (with the 13:00 close on the 29th) are covered, about 60% of the minutes of
/// each extended session kept.
/// </summary>
public sealed class AggregationData : IAsyncLifetime
{
    public static readonly Symbol Symbol = Symbol.Parse("AGG");

    private static readonly DateOnly CalendarStart = new(2024, 3, 1);
    private static readonly DateOnly CalendarEnd = new(2024, 12, 31);

    public IReadOnlyList<Bar> Source { get; } = Minutes.RandomSessions(
        seed: 20240310,
        Minutes.Dates(new(2024, 3, 6), new(2024, 3, 13))
            .Concat(Minutes.Dates(new(2024, 10, 30), new(2024, 11, 6)))
            .Concat(Minutes.Dates(new(2024, 11, 26), new(2024, 12, 3))));

    private readonly Dictionary<StoredAs, StorageHost> _hosts = [];

    /// <summary>Every way the minutes are stored.</summary>
    public static readonly StoredAs[] All = Enum.GetValues<StoredAs>();

    /// <summary>The database of one way of storing the minutes.</summary>
    internal StorageHost Host(StoredAs storedAs) => _hosts[storedAs];

    public async Task InitializeAsync()
    {
        foreach (var storedAs in All) _hosts[storedAs] = await StorageHost.CreateAsync();
        foreach (var storedAs in new[] { StoredAs.Refreshed, StoredAs.PartlyDirty })
            await _hosts[storedAs].Calendar.SaveRangeAsync(CalendarStart, CalendarEnd, NyseCalendar.GetTradingDays(CalendarStart, CalendarEnd).ToList());

        await _hosts[StoredAs.Unrefreshed].Bars.UpsertAsync(Symbol, "iex", Source);

        await _hosts[StoredAs.Refreshed].Bars.UpsertAsync(Symbol, "iex", Source);
        await _hosts[StoredAs.Refreshed].Refresher.RefreshAsync(force: true);

        // Stale values (every 50th minute with a wrong volume) for the first half, refreshed into
        // the aggregates, then every minute as it should be: the corrections' hours and the
        // second half are dirty, the other hours come from the aggregates.
        var partly = _hosts[StoredAs.PartlyDirty];
        var half = Source.Take(Source.Count / 2).Select((bar, i) => i % 50 == 0 ? bar with { Volume = bar.Volume + 7, TradeCount = bar.TradeCount + 1 } : bar).ToList();
        await partly.Bars.UpsertAsync(Symbol, "iex", half);
        await partly.Refresher.RefreshAsync(force: true);
        await partly.Bars.UpsertAsync(Symbol, "iex", Source);
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts.Values) await host.DisposeAsync();
    }
}

/// <summary>How <see cref="AggregationData"/> stored its minutes.</summary>
public enum StoredAs
{
    /// <summary>No calendar (reads use the NYSE rules); aggregates never refreshed.</summary>
    Unrefreshed,

    /// <summary>Calendar saved; aggregates refreshed over every minute.</summary>
    Refreshed,

    /// <summary>Calendar saved; aggregates refreshed over stale minutes since corrected, and missing the later half.</summary>
    PartlyDirty,
}
