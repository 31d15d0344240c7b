using System.Globalization;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.Frontend.Display;

/// <summary>
/// How trades and quotes read in the tape: prices with two to four decimals (sub-penny prints keep
/// theirs), New York times to the microsecond, exchanges by code with their names, spreads.
/// </summary>
public static class TapeText
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    // Alpaca's exchange codes (the same on trades and both sides of quotes).
    private static readonly Dictionary<string, string> Exchanges = new(StringComparer.Ordinal)
    {
        ["A"] = "NYSE American", ["B"] = "Nasdaq BX", ["C"] = "NSX", ["D"] = "FINRA ADF", ["H"] = "MIAX", ["I"] = "ISE",
        ["J"] = "Cboe EDGA", ["K"] = "Cboe EDGX", ["M"] = "Chicago", ["N"] = "NYSE", ["P"] = "NYSE Arca", ["Q"] = "Nasdaq",
        ["U"] = "MEMX", ["V"] = "IEX", ["W"] = "CBOE", ["X"] = "Nasdaq PSX", ["Y"] = "Cboe BYX", ["Z"] = "Cboe BZX",
    };

    /// <summary>"187.15", "187.1512", "0.0825", "1,234.50": at least two decimals, up to four.</summary>
    public static string Price(decimal price) => price.ToString("#,##0.00##", Culture);

    /// <summary>"1,200" shares (or lots, as the feed counts them).</summary>
    public static string Size(long size) => size.ToString("N0", Culture);

    /// <summary>"09:30:00.123456": New York time to the microsecond (the tape's column).</summary>
    public static string Time(NanoTime at) => Wall(at).ToString("HH:mm:ss.ffffff", Culture);

    /// <summary>"2024-01-02": the New York date.</summary>
    public static string Date(NanoTime at) => Wall(at).ToString("yyyy-MM-dd", Culture);

    /// <summary>"2024-01-02 09:30:00.123456789 ET": every digit the feed sent (the cell's tooltip).</summary>
    public static string FullTime(NanoTime at) =>
        string.Create(Culture, $"{Wall(at):yyyy-MM-dd HH:mm:ss}.{Wall(at):ffffff}{at.NanosecondOfMicrosecond:D3} ET");

    /// <summary>"2024-01-02" or "2024-01-02 to 2024-01-03": the New York dates of the rows shown (empty for none).</summary>
    public static string Dates(IEnumerable<NanoTime> times)
    {
        var dates = times.Select(Date).Distinct().Order(StringComparer.Ordinal).ToList();
        return dates.Count switch
        {
            0 => string.Empty,
            1 => dates[0],
            _ => $"{dates[0]} to {dates[^1]}",
        };
    }

    /// <summary>"IEX" for <c>V</c>; an unknown code as it came.</summary>
    public static string Exchange(string code) => Exchanges.GetValueOrDefault(code, code);

    /// <summary>The trade or quote conditions, space-separated as the CSV has them.</summary>
    public static string Conditions(IReadOnlyList<string> conditions) => string.Join(' ', conditions);

    /// <summary>"187.14 × 2": a side of a quote, price by size.</summary>
    public static string Side(decimal price, long size) => $"{Price(price)} × {Size(size)}";

    /// <summary>Ask minus bid, or null when a side is empty (price 0: no quote there).</summary>
    public static decimal? Spread(decimal bid, decimal ask) => bid > 0 && ask > 0 ? ask - bid : null;

    /// <summary>"0.02", "-0.01" for a crossed quote, "—" when a side is empty.</summary>
    public static string SpreadText(decimal bid, decimal ask) => Spread(bid, ask) is { } spread ? Price(spread) : "—";

    /// <summary>"1.1 bp": the spread over the midpoint in basis points; empty when a side is empty.</summary>
    public static string SpreadBasisPoints(decimal bid, decimal ask) =>
        Spread(bid, ask) is { } spread ? string.Create(Culture, $"{spread / ((bid + ask) / 2) * 10_000:0.0} bp") : string.Empty;

    private static DateTime Wall(NanoTime at) => NewYorkTime.FromUtc(at.Microsecond);
}
