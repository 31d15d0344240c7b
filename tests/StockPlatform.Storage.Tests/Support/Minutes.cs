using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.Storage.Tests.Support;

/// <summary>1-minute bars for tests: hand-made ones and seeded random sessions.</summary>
internal static class Minutes
{
    /// <summary>The UTC instant of a New York wall-clock time.</summary>
    public static DateTimeOffset Ny(int year, int month, int day, int hour, int minute) =>
        NewYorkTime.ToUtc(new DateOnly(year, month, day), new TimeOnly(hour, minute));

    /// <summary>A valid bar closing at <paramref name="close"/>, its range one either side.</summary>
    public static Bar At(DateTimeOffset timestamp, decimal close = 100m, long volume = 1_000) =>
        new(timestamp, close, close + 1m, close - 1m, close, volume, volume / 10, close);

    /// <summary><paramref name="count"/> consecutive valid minutes from <paramref name="first"/>.</summary>
    public static List<Bar> Run(DateTimeOffset first, int count, decimal close = 100m) =>
        Enumerable.Range(0, count).Select(i => At(first.AddMinutes(i), close + (i / 100m), 1_000 + i)).ToList();

    /// <summary>
    /// Random minutes over the extended session of every trading day among <paramref name="dates"/>,
    /// about <paramref name="keep"/> of them (the rest skipped, as when nothing traded): a random
    /// walk with valid OHLC, a 6-decimal vwap inside the range and now and then a zero volume.
    /// </summary>
    public static List<Bar> RandomSessions(int seed, IEnumerable<DateOnly> dates, double keep = 0.6)
    {
        var random = new Random(seed);
        var price = 100m;
        var bars = new List<Bar>();
        foreach (var date in dates)
        {
            if (NyseCalendar.GetTradingDay(date) is not { } day) continue;
            for (var t = day.SessionOpenUtc; t < day.SessionCloseUtc; t = t.AddMinutes(1))
            {
                if (random.NextDouble() >= keep) continue;
                var open = price;
                var close = Math.Max(1m, open + (random.Next(-50, 51) / 100m));
                var high = Math.Max(open, close) + (random.Next(0, 30) / 100m);
                var low = Math.Max(0.01m, Math.Min(open, close) - (random.Next(0, 30) / 100m));
                var vwap = Math.Round(low + ((high - low) * (decimal)random.NextDouble()), 6);
                var volume = random.Next(20) == 0 ? 0 : random.Next(1, 5_000);
                var trades = volume == 0 ? 0 : random.Next(1, 100);
                bars.Add(new Bar(t, open, high, low, close, volume, trades, vwap));
                price = close;
            }
        }
        return bars;
    }

    /// <summary>Every date from <paramref name="first"/> to <paramref name="last"/>, inclusive.</summary>
    public static IEnumerable<DateOnly> Dates(DateOnly first, DateOnly last)
    {
        for (var date = first; date <= last; date = date.AddDays(1)) yield return date;
    }
}
