using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.Bench.Support;

/// <summary>Deterministic 1-minute bars: every minute of the extended session of consecutive trading days.</summary>
internal static class MinuteBars
{
    /// <summary>
    /// <paramref name="rows"/> bars split evenly over <paramref name="symbols"/>, each symbol's
    /// minutes from <paramref name="first"/> on in time order (symbol after symbol, as a backfill writes them).
    /// </summary>
    public static SymbolBar[] Generate(IReadOnlyList<Symbol> symbols, int rows, DateOnly first, int seed = 7)
    {
        var random = new Random(seed);
        var bars = new SymbolBar[rows];
        var index = 0;
        for (var s = 0; s < symbols.Count; s++)
        {
            var count = (rows / symbols.Count) + (s < rows % symbols.Count ? 1 : 0);
            var price = 100m + (50m * s);
            var made = 0;
            for (var date = first; made < count; date = date.AddDays(1))
            {
                if (NyseCalendar.GetTradingDay(date) is not { } day) continue;
                for (var t = day.SessionOpenUtc; t < day.SessionCloseUtc && made < count; t = t.AddMinutes(1), made++)
                    bars[index++] = new SymbolBar(symbols[s], Next(random, t, ref price));
            }
        }
        return bars;
    }

    /// <summary>
    /// One symbol's regular-session minutes (open to close, half days shorter) of
    /// <paramref name="sessions"/> consecutive trading days from <paramref name="first"/> on, in time order.
    /// </summary>
    public static Bar[] Regular(int symbolIndex, DateOnly first, int sessions, int seed = 7)
    {
        var random = new Random(seed + symbolIndex);
        var bars = new List<Bar>(sessions * 390);
        var price = 100m + (50m * symbolIndex);
        var made = 0;
        for (var date = first; made < sessions; date = date.AddDays(1))
        {
            if (NyseCalendar.GetTradingDay(date) is not { } day) continue;
            for (var t = day.OpenUtc; t < day.CloseUtc; t = t.AddMinutes(1))
                bars.Add(Next(random, t, ref price));
            made++;
        }
        return [.. bars];
    }

    // A random walk in whole cents with a valid range and a 4-decimal vwap inside it.
    private static Bar Next(Random random, DateTimeOffset timestamp, ref decimal price)
    {
        var open = price;
        var close = Math.Max(1m, open + (random.Next(-20, 21) / 100m));
        var high = Math.Max(open, close) + (random.Next(0, 10) / 100m);
        var low = Math.Max(0.01m, Math.Min(open, close) - (random.Next(0, 10) / 100m));
        var vwap = Math.Round((high + low + close) / 3m, 4);
        var volume = random.Next(100, 20_000);
        price = close;
        return new Bar(timestamp, open, high, low, close, volume, (volume / 50) + 1, vwap);
    }
}
