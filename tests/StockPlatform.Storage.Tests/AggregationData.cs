using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Tests.Support;

namespace StockPlatform.Storage.Tests;

/// <summary>
/// Seeded random minutes, stored twice: in a database whose calendar was saved (from the NYSE
/// rules, as the ingestion saves Alpaca's) and in one that has none, so reads fall back to the
/// rules. The weeks around both 2024 clock changes and Thanksgiving week (with the 13:00 close
/// on the 29th) are covered, about 60% of the minutes of each extended session kept.
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

    private StorageHost? _fallback;
    private StorageHost? _withCalendar;

    /// <summary>The database read with or without a stored calendar.</summary>
    internal StorageHost Host(bool calendarStored) => (calendarStored ? _withCalendar : _fallback) ?? throw new InvalidOperationException("not initialized");

    public async Task InitializeAsync()
    {
        _fallback = await StorageHost.CreateAsync();
        _withCalendar = await StorageHost.CreateAsync();
        await _withCalendar.Calendar.SaveRangeAsync(CalendarStart, CalendarEnd, NyseCalendar.GetTradingDays(CalendarStart, CalendarEnd).ToList());
        await Task.WhenAll(
            _fallback.Bars.UpsertAsync(Symbol, "iex", Source),
            _withCalendar.Bars.UpsertAsync(Symbol, "iex", Source));
    }

    public async Task DisposeAsync()
    {
        if (_fallback is not null) await _fallback.DisposeAsync();
        if (_withCalendar is not null) await _withCalendar.DisposeAsync();
    }
}
