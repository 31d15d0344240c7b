using System.Globalization;
using StockPlatform.Frontend.Gateway;
using StockPlatform.MarketData.Calendar;

namespace StockPlatform.Frontend.Display;

/// <summary>
/// A bar as the chart script takes it: <c>time</c> in Unix seconds of New York wall-clock time; the
/// doubles draw it, <see cref="Text"/> is what the hover legend shows.
/// </summary>
public sealed record ChartBar(long Time, double Open, double High, double Low, double Close, long Volume, double Vwap, long Trades, ChartBarText Text);

/// <summary>
/// A bar's prices exactly as the gateway gave them (<see cref="ChartBars.Exact"/>): a double loses
/// the decimal text of sub-penny and adjusted prices, so the legend never formats the doubles.
/// </summary>
public sealed record ChartBarText(string Open, string High, string Low, string Close, string Vwap);

/// <summary>
/// Bars for the chart. lightweight-charts draws its time axis in UTC; giving it New York wall-clock
/// time as if it were UTC makes the axis and the legend read in market time (09:30 is the open),
/// whatever the viewer's zone.
/// </summary>
public static class ChartBars
{
    /// <summary>The intervals the symbol page offers.</summary>
    public static readonly IReadOnlyList<string> Intervals = ["1m", "5m", "15m", "1h", "1d"];

    /// <summary>How many bars one load fetches: about a year of daily bars, a few sessions of intraday ones.</summary>
    public static int PageSize(string interval) => interval == "1d" ? 260 : 2000;

    public static ChartBar ToChart(Bar bar) => new(
        ToChartTime(bar.Timestamp), (double)bar.Open, (double)bar.High, (double)bar.Low, (double)bar.Close, bar.Volume, (double)bar.Vwap, bar.TradeCount,
        new ChartBarText(Exact(bar.Open), Exact(bar.High), Exact(bar.Low), Exact(bar.Close), Exact(bar.Vwap)));

    /// <summary>
    /// A price as the gateway wrote it, less trailing zeros (stored prices carry at most 8 decimals,
    /// and aggregated VWAPs are padded to 8): every significant digit, no rounding, no separators.
    /// </summary>
    public static string Exact(decimal value) => value.ToString("0.#############################", CultureInfo.InvariantCulture);

    public static long ToChartTime(DateTime utc) =>
        new DateTimeOffset(DateTime.SpecifyKind(NewYorkTime.FromUtc(new DateTimeOffset(utc, TimeSpan.Zero)), DateTimeKind.Utc)).ToUnixTimeSeconds();

    public static DateTimeOffset FromChartTime(long seconds)
    {
        var wall = DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime;
        return NewYorkTime.ToUtc(DateOnly.FromDateTime(wall), TimeOnly.FromDateTime(wall));
    }
}
