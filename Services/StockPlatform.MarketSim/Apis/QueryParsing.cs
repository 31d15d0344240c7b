using System.Globalization;
using System.Text.RegularExpressions;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketSim.Options;

namespace StockPlatform.MarketSim.Apis;

/// <summary>Alpaca's query-parameter formats: times, dates, timeframes, symbols.</summary>
internal static partial class QueryParsing
{
    /// <summary>
    /// An instant for <c>start</c>/<c>end</c>: RFC 3339 (any fraction length, <c>Z</c> or an offset)
    /// or a bare date. A bare date means the New York day: its midnight for a start, its last
    /// instant for an end, so <c>end=2024-03-08</c> includes that day's bars and its daily bar.
    /// </summary>
    public static bool TryParseInstant(string text, bool isEnd, out DateTimeOffset instant)
    {
        instant = default;
        if (TryParseDate(text, out var date))
        {
            instant = isEnd ? NewYorkTime.StartOfDay(date.AddDays(1)).AddTicks(-1) : NewYorkTime.StartOfDay(date);
            return true;
        }

        var match = Rfc3339().Match(text);
        if (!match.Success) return false;
        // .NET parses at most 7 fractional digits; Alpaca's examples carry 9. Truncate, never round up.
        var fraction = match.Groups["fraction"].Value;
        if (fraction.Length > 8) text = text.Replace(fraction, fraction[..8], StringComparison.Ordinal);
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out instant)) return false;
        instant = instant.ToUniversalTime();
        return true;
    }

    /// <summary>A date as <c>YYYY-MM-DD</c>.</summary>
    public static bool TryParseDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    /// <summary>
    /// Alpaca's stock timeframes: <c>[1-59]Min</c>/<c>T</c>, <c>[1-23]Hour</c>/<c>H</c>,
    /// <c>1Day</c>/<c>1D</c>. Weeks and months are not simulated.
    /// </summary>
    public static bool TryParseTimeframe(string? text, out BarInterval interval)
    {
        interval = default;
        var match = Timeframe().Match(text ?? string.Empty);
        if (!match.Success) return false;
        var count = int.Parse(match.Groups["count"].Value, CultureInfo.InvariantCulture);
        var minutes = match.Groups["unit"].Value switch
        {
            "Min" or "T" when count is >= 1 and <= 59 => count,
            "Hour" or "H" when count is >= 1 and <= 23 => count * 60,
            "Day" or "D" when count == 1 => 24 * 60,
            _ => 0,
        };
        if (minutes == 0) return false;
        interval = BarInterval.FromMinutes(minutes);
        return true;
    }

    /// <summary>
    /// A symbol the API serves: it must parse as a <see cref="Symbol"/> and not be one of
    /// <see cref="MarketSimOptions.InvalidSymbols"/>.
    /// </summary>
    public static bool TryParseSymbol(string text, MarketSimOptions options, out Symbol symbol) =>
        Symbol.TryParse(text, out symbol) && !options.InvalidSymbols.Contains(text, StringComparer.Ordinal);

    /// <summary>A comma-separated list, blanks dropped, duplicates removed, order kept.</summary>
    public static List<string> SplitList(string? text) =>
        (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?<fraction>\.\d+)?([Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();

    [GeneratedRegex(@"^(?<count>[0-9]{1,2})(?<unit>Min|T|Hour|H|Day|D)$", RegexOptions.CultureInvariant)]
    private static partial Regex Timeframe();
}
