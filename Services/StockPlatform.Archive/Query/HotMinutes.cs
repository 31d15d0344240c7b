using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;

namespace StockPlatform.Archive.Query;

/// <summary>The hot store's side of an archive read or write: a symbol's stored minutes by New York date.</summary>
internal static class HotMinutes
{
    /// <summary>
    /// The extended-session minutes of <paramref name="symbol"/> in [start, end) that the hot store
    /// holds, by New York date, read page after page (a month holds more than one read's limit).
    /// </summary>
    public static async Task<Dictionary<DateOnly, List<StoredBar>>> ReadByDayAsync(BarStore store, Symbol symbol, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var byDay = new Dictionary<DateOnly, List<StoredBar>>();
        var query = new BarQuery(symbol, BarInterval.OneMinute) { Start = start, End = end, Limit = BarStore.MaxLimit, Session = SessionFilter.Extended };
        while (true)
        {
            var slice = await store.GetBarsAsync(query, cancellationToken);
            foreach (var bar in slice.Bars)
            {
                var date = NewYorkTime.DateOf(bar.Timestamp);
                if (!byDay.TryGetValue(date, out var list)) byDay[date] = list = [];
                list.Add(bar);
            }
            if (!slice.HasMore || slice.Bars.Count == 0) return byDay;
            query = query with { Start = slice.Bars[^1].Timestamp.AddMicroseconds(1) };
        }
    }
}
