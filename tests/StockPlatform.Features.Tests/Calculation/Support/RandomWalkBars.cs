using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.Features.Tests.Calculation.Support;

/// <summary>
/// Regular-session minute bars of a seeded random walk over the week of Thanksgiving 2024: the
/// holiday is a gap between sessions, the day after is a half day (13:00 close), one session
/// misses half an hour of minutes, one has a stretch of equal volumes and one opens with bars
/// without volume.
/// </summary>
internal static class RandomWalkBars
{
    public static readonly DateOnly MissingMinutesDay = new(2024, 12, 2);
    public static readonly DateOnly FlatVolumeDay = new(2024, 11, 26);
    public static readonly DateOnly SilentOpenDay = new(2024, 12, 3);

    public static List<Bar> Generate(int seed = 20241128)
    {
        var random = new Random(seed);
        var bars = new List<Bar>();
        var close = 100.00m;
        foreach (var day in NyseCalendar.GetTradingDays(new(2024, 11, 25), new(2024, 12, 3)))
        {
            var minutes = (int)(day.CloseUtc - day.OpenUtc).TotalMinutes;
            for (var minute = 0; minute < minutes; minute++)
            {
                if (day.Date == MissingMinutesDay && minute is >= 60 and < 90) continue;

                var open = close;
                close = Math.Max(1m, Math.Round(close + (decimal)(random.NextDouble() - 0.5) * 0.4m, 2));
                var high = Math.Max(open, close) + Math.Round((decimal)random.NextDouble() * 0.1m, 2);
                var low = Math.Min(open, close) - Math.Round((decimal)random.NextDouble() * 0.1m, 2);
                var vwap = Math.Round((high + low + close) / 3, 4);
                long volume = random.Next(0, 5000);
                if (day.Date == FlatVolumeDay && minute is >= 100 and < 130) volume = 500;
                if (day.Date == SilentOpenDay && minute < 3) volume = 0;
                bars.Add(new Bar(day.OpenUtc.AddMinutes(minute), open, high, low, close, volume, volume / 10, vwap));
            }
        }

        return bars;
    }
}
