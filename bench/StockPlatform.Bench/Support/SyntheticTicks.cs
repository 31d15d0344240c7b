using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.Bench.Support;

/// <summary>
/// Deterministic trades and quotes shaped like a SIP feed's: nanosecond stamps in bursts (some
/// sharing a microsecond, some a nanosecond), exchanges weighted as volume is, sub-penny prints,
/// odd and round lots, several condition codes (none, a space), the listing's tape; ordered by day,
/// symbol and time, as a job fetching day after day writes them.
/// </summary>
internal static class SyntheticTicks
{
    // Exchanges roughly as consolidated volume splits (D, FINRA's ADF, carries the off-exchange prints).
    private static readonly string[] Exchanges = ["D", "D", "D", "D", "Q", "Q", "Q", "N", "N", "P", "P", "K", "Z", "V", "U", "J", "Y", "X", "A", "B", "H", "M"];
    private static readonly string[][] TradeConditions = [["@"], ["@"], ["@"], ["@"], ["@"], ["@"], ["@", "I"], ["@", "I"], ["@", "F"], ["@", "F", "I"], ["@", "T"], [" "], []];
    private static readonly string[][] QuoteConditions = [["R"], ["R"], ["R"], ["R"], ["R"], ["R"], ["R"], ["R"], ["R"], ["R"], ["R"], ["R"], ["R"], ["R"], ["R"], ["R"], ["R"], ["R"], ["R"], []];
    private static readonly Dictionary<string, decimal> Prices = new() { ["AAPL"] = 185m, ["MSFT"] = 375m, ["NVDA"] = 495m, ["SPY"] = 470m, ["TSLA"] = 250m, ["QQQ"] = 405m, ["AMD"] = 140m, ["META"] = 350m };

    /// <summary>The trading days from <paramref name="first"/> on, <paramref name="count"/> of them.</summary>
    public static List<DateOnly> Days(DateOnly first, int count)
    {
        var days = new List<DateOnly>(count);
        for (var date = first; days.Count < count; date = date.AddDays(1))
        {
            if (NyseCalendar.GetTradingDay(date) is not null) days.Add(date);
        }
        return days;
    }

    /// <summary><paramref name="rows"/> trades split evenly over the symbols and days.</summary>
    public static List<SymbolTrade> Trades(IReadOnlyList<Symbol> symbols, IReadOnlyList<DateOnly> days, int rows, int seed = 11)
    {
        var random = new Random(seed);
        var trades = new List<SymbolTrade>(rows);
        var ids = new long[Exchanges.Length];
        for (var e = 0; e < ids.Length; e++) ids[e] = 52_983_525_000_000 + (e * 1_000_000_000L);
        var cells = symbols.Count * days.Count;
        var cell = 0;
        foreach (var day in days)
        {
            foreach (var symbol in symbols)
            {
                var count = (rows / cells) + (cell++ < rows % cells ? 1 : 0);
                var price = Prices.GetValueOrDefault(symbol.Value, 100m);
                var tape = Tape(symbol);
                foreach (var time in Instants(random, day, count))
                {
                    price = Math.Max(1m, price + (random.Next(-2, 3) * 0.01m));
                    var exchange = random.Next(Exchanges.Length);
                    // One print in ten is a sub-penny (off-exchange price improvement).
                    var printed = random.Next(10) == 0 ? price + (random.Next(1, 100) * 0.0001m) : price;
                    var size = random.Next(10) switch { < 4 => random.Next(1, 100), < 9 => 100 * random.Next(1, 6), _ => 100 * random.Next(10, 51) };
                    trades.Add(new SymbolTrade(symbol, new Trade(time, ids[exchange]++, Exchanges[exchange], printed, size,
                        TradeConditions[random.Next(TradeConditions.Length)], tape)));
                }
            }
        }
        return trades;
    }

    /// <summary><paramref name="rows"/> quotes split evenly over the symbols and days; about one in ten shares its nanosecond with the one before.</summary>
    public static List<SymbolQuote> Quotes(IReadOnlyList<Symbol> symbols, IReadOnlyList<DateOnly> days, int rows, int seed = 13)
    {
        var random = new Random(seed);
        var quotes = new List<SymbolQuote>(rows);
        var cells = symbols.Count * days.Count;
        var cell = 0;
        foreach (var day in days)
        {
            foreach (var symbol in symbols)
            {
                var count = (rows / cells) + (cell++ < rows % cells ? 1 : 0);
                var mid = Prices.GetValueOrDefault(symbol.Value, 100m);
                var tape = Tape(symbol);
                foreach (var time in Instants(random, day, count, sameNanosecond: 10))
                {
                    mid = Math.Max(1m, mid + (random.Next(-1, 2) * 0.005m));
                    var half = random.Next(1, 4) * 0.005m;
                    quotes.Add(new SymbolQuote(symbol, new Quote(time,
                        Exchanges[random.Next(Exchanges.Length)], Math.Round(mid - half, 2, MidpointRounding.ToZero), random.Next(1, 40),
                        Exchanges[random.Next(Exchanges.Length)], Math.Round(mid + half, 2, MidpointRounding.AwayFromZero), random.Next(1, 40),
                        QuoteConditions[random.Next(QuoteConditions.Length)], tape)));
                }
            }
        }
        return quotes;
    }

    /// <summary>
    /// Cuts rows into batches of about <paramref name="size"/>, never between two rows of one
    /// symbol and instant (the quote store numbers those within a batch).
    /// </summary>
    public static List<ArraySegment<T>> Batches<T>(List<T> rows, int size, Func<T, (Symbol, NanoTime)> key)
    {
        var all = rows.ToArray();
        var batches = new List<ArraySegment<T>>();
        for (var start = 0; start < all.Length;)
        {
            var end = Math.Min(start + size, all.Length);
            while (end < all.Length && key(all[end]) == key(all[end - 1])) end++;
            batches.Add(new ArraySegment<T>(all, start, end - start));
            start = end;
        }
        return batches;
    }

    private static string Tape(Symbol symbol) => symbol.Value is "SPY" ? "B" : "C";

    // Times over the extended session in bursts: one gap in seven is under a microsecond, and one
    // in `sameNanosecond` (when given) none at all.
    private static IEnumerable<NanoTime> Instants(Random random, DateOnly date, int count, int sameNanosecond = 0)
    {
        var day = NyseCalendar.GetTradingDay(date)!;
        var span = (long)(day.SessionCloseUtc - day.SessionOpenUtc).TotalNanoseconds;
        var mean = span / (double)Math.Max(count, 1);
        var at = NanoTime.From(day.SessionOpenUtc).UnixNanoseconds + random.Next(1_000_000);
        for (var i = 0; i < count; i++)
        {
            yield return new NanoTime(at);
            long gap;
            if (sameNanosecond > 0 && random.Next(sameNanosecond) == 0) gap = 0;
            else if (random.Next(7) == 0) gap = random.Next(1, 1_000);
            else gap = (long)(-Math.Log(1 - random.NextDouble()) * mean * 1.15);
            at += gap;
        }
    }
}
